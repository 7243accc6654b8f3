/** A strategy's `compression` section checked against the model before any worker starts, and the target each rank compresses. */
import { checkCompression, checkOptimizerFor, type CompressionSpec, type CompressionTarget } from '../../compress/index.js';
import type { LoomConfig } from '../../config/schema.js';
import type { Model } from '../../nn/model.js';
import { modelOutline } from '../model-outline.js';

/** What a rank's compressor is built for: the model's flat gradient and its tensors. */
export function compressionTarget(model: Pick<Model, 'params' | 'segments'>, config: LoomConfig): Omit<CompressionTarget, 'rank' | 'size'> {
  return { length: model.params.length, segments: model.segments, seed: config.seed };
}

/** Throws the compressor's one-line error if its options do not fit the model (e.g. a PowerSGD rank above a matrix's side). */
export function checkCompressionFor(spec: CompressionSpec, config: LoomConfig): void {
  const optimizer = config.optimizer as { type: string; momentum?: number };
  const outline = modelOutline(config);
  // Without an outline the ranks report why the model cannot be built; the optimizer is checked regardless.
  if (!outline) return checkOptimizerFor(spec, optimizer);
  checkCompression(spec, { length: outline.length, segments: outline.segments, seed: config.seed, rank: 0, size: config.distributed.workers }, optimizer);
}
