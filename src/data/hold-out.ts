/**
 * Holds out part of a training set to evaluate on (`data.holdOut`): a fixed, seeded choice of
 * samples, the same whatever the run's own seed and on every rank of a data-parallel job, so that
 * runs compared on it (the trials of a study) are ranked on data none of them trained on, and the
 * test set stays untouched for the final model.
 */
import { LoomError } from '../util/errors.js';
import type { DatasetSplit } from './dataset.js';
import { epochPermutation } from './sampler.js';
import { subsetDataset } from './subset.js';

const HOLD_OUT_SEED = 0x5a11d;

/** `train` minus `count` held-out samples, and those samples as `test`. */
export function holdOutSplit(data: DatasetSplit, count: number): DatasetSplit {
  const size = data.train.size;
  if (!Number.isInteger(count) || count < 1 || count >= size) {
    throw new LoomError(`data.holdOut must be an integer in [1, ${size - 1}] (the training set has ${size} samples); got ${count}`);
  }
  const order = epochPermutation(size, HOLD_OUT_SEED, 0);
  return {
    train: subsetDataset(data.train, order.subarray(count), `${data.train.name}[train]`),
    test: subsetDataset(data.train, order.subarray(0, count), `${data.train.name}[held out]`),
  };
}

/** `spec` without its holdOut: the dataset as its source splits it (the test set itself). */
export function withoutHoldOut<S extends { readonly name: string; readonly holdOut?: number }>(spec: S): S {
  if (!('holdOut' in spec)) return spec;
  const { holdOut: _held, ...whole } = spec;
  return whole as S;
}
