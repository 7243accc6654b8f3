/** A parameter server's `compression` section, checked before any worker starts. */
import type { CompressionSpec } from '../../compress/index.js';
import type { LoomConfig } from '../../config/schema.js';
import { LoomError } from '../../util/errors.js';
import { checkPushable } from '../compression/compressed-push.js';
import { checkCompressionFor } from '../compression/compression-check.js';

/**
 * Before any worker starts: the compressor must decode alone, fit the model, and (its state being
 * the workers' own, not in the servers' checkpoints) the run must not resume from mid-run checkpoints.
 */
export function checkPushCompression(spec: CompressionSpec, config: LoomConfig): void {
  checkPushable(spec, 'strategy ps', 'a parameter server');
  if (config.output.checkpointEvery !== undefined) {
    throw new LoomError(`config key output.checkpointEvery = ${config.output.checkpointEvery} is not supported by strategy ps with compression: the workers' compressor state is not in the servers' checkpoints`);
  }
  checkCompressionFor(spec, config);
}
