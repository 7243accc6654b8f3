/** Seeded random batches shaped for a model (test helper). */
import type { Batch } from '../../data/dataset.js';
import { Rng } from '../../util/index.js';
import type { Model } from '../model.js';

/** Normal features (or uniform token ids for sequence models) and uniform class targets. */
export function randomBatch(model: Model, size: number, seed = 1): Batch {
  const rng = new Rng(seed);
  const per = model.inputShape.reduce((a, b) => a * b, 1);
  const isText = model.kind === 'transformer';
  const inputs = isText
    ? Int32Array.from({ length: size * per }, () => rng.int(model.numClasses))
    : Float32Array.from({ length: size * per }, () => rng.normal());
  const targets = Int32Array.from({ length: size * (isText ? per : 1) }, () => rng.int(model.numClasses));
  return { inputs, targets, size };
}
