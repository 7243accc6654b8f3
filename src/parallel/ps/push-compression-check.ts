/** A parameter server's `compression` section, checked before any worker starts. */
import { keepsState, type CompressionSpec } from '../../compress/index.js';
import type { LoomConfig } from '../../config/schema.js';
import { LoomError } from '../../util/errors.js';
import { checkPushable } from '../compression/compressed-push.js';
import { checkCompressionFor } from '../compression/compression-check.js';

/**
 * Before any worker starts: the compressor must decode alone and fit the model; one that keeps
 * state (error residuals, momentum) cannot run with mid-run checkpoints, its state being the
 * workers' own and not in the servers' checkpoints (a stateless one resumes exactly).
 */
export function checkPushCompression(spec: CompressionSpec, config: LoomConfig): void {
  checkPushable(spec, 'strategy ps', 'a parameter server');
  if (config.output.checkpointEvery !== undefined && keepsState(spec)) {
    throw new LoomError(`config key output.checkpointEvery = ${config.output.checkpointEvery} is not supported by strategy ps with compression ${spec.type} that keeps state (residuals or momentum): the workers' compressor state is not in the servers' checkpoints`);
  }
  checkCompressionFor(spec, config);
}
