/**
 * Holds out part of a training set for validation: a fixed, seeded choice of samples (the same
 * for every trial of a study, whatever the trial's own seed), so that trials are ranked on data
 * none of them trained on and the test set stays untouched for the final model.
 */
import { epochPermutation, subsetDataset, type DatasetSplit } from '../../data/index.js';
import { LoomError } from '../../util/errors.js';

const SPLIT_SEED = 0x5a11d;

export function validationSplit(data: DatasetSplit, validation: number): DatasetSplit {
  const size = data.train.size;
  if (!Number.isInteger(validation) || validation < 1 || validation >= size) {
    throw new LoomError(`objective.validation must be an integer in [1, ${size - 1}] (the training set has ${size} samples); got ${validation}`);
  }
  const order = epochPermutation(size, SPLIT_SEED, 0);
  return {
    train: subsetDataset(data.train, order.subarray(validation), `${data.train.name}[train]`),
    test: subsetDataset(data.train, order.subarray(0, validation), `${data.train.name}[validation]`),
  };
}
