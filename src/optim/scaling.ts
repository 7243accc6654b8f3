/**
 * Learning rate for a larger global batch. Linear scaling rule (Goyal et al. 2017, "Accurate,
 * Large Minibatch SGD: Training ImageNet in 1 Hour", arXiv:1706.02677): multiply the rate by
 * k when the batch grows k-fold, base * global / reference. Square-root rule (Krizhevsky 2014,
 * "One weird trick for parallelizing convolutional neural networks", arXiv:1404.5997; Hoffer et
 * al. 2017): base * sqrt(global / reference), often the better fit for Adam-family optimizers.
 */
import { checkNonNegative, checkPositive, invalidOption } from './validate.js';

export type LrScalingRule = 'linear' | 'sqrt';

export function scaledLearningRate(
  baseLr: number,
  globalBatch: number,
  referenceBatch = 256,
  rule: LrScalingRule = 'linear',
): number {
  checkNonNegative('lr scaling', 'baseLr', baseLr);
  checkPositive('lr scaling', 'globalBatch', globalBatch);
  checkPositive('lr scaling', 'referenceBatch', referenceBatch);
  const ratio = globalBatch / referenceBatch;
  if (rule === 'linear') return baseLr * ratio;
  if (rule === 'sqrt') return baseLr * Math.sqrt(ratio);
  throw invalidOption('lr scaling', 'rule', rule, "'linear' or 'sqrt'");
}
