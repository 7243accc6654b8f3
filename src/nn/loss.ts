/** Loss heads: what turns a model's raw outputs and the batch targets into a loss. */
import { softmaxCrossEntropyLoss, tf } from '../compute/index.js';
import { LoomError, showValue } from '../util/index.js';
import type { EvalSums } from './model.js';

export interface LossHead {
  /** Targets per sample: 1 for classification, `context` for next-token prediction. */
  readonly targetsPerSample: number;
  /** Mean loss over all targets, differentiable with respect to `output`. */
  loss(output: tf.Tensor, targets: Int32Array): tf.Scalar;
  /** Per-target loss sum and top-1 hits, from the outputs copied to JS (summed in float64). */
  sums(output: Float32Array, targets: Int32Array): EvalSums;
}

/**
 * Softmax cross-entropy over the last axis of the logits, each position one target class: the mean
 * of logSumExp(z) - z[target] (compute's softmaxCrossEntropyLoss: one kernel each way on wasm).
 */
export function softmaxCrossEntropy(numClasses: number, targetsPerSample = 1): LossHead {
  return {
    targetsPerSample,
    loss(output, targets) {
      checkTargets(targets, numClasses);
      return softmaxCrossEntropyLoss(tf.reshape(output, [targets.length, numClasses]), targets);
    },
    sums(output, targets) {
      checkTargets(targets, numClasses);
      let lossSum = 0;
      let correct = 0;
      for (let row = 0; row < targets.length; row++) {
        const base = row * numClasses;
        let max = -Infinity;
        let argMax = 0;
        for (let j = 0; j < numClasses; j++) {
          if (output[base + j] > max) {
            max = output[base + j];
            argMax = j;
          }
        }
        let sumExp = 0;
        for (let j = 0; j < numClasses; j++) sumExp += Math.exp(output[base + j] - max);
        lossSum += max + Math.log(sumExp) - output[base + targets[row]];
        if (argMax === targets[row]) correct++;
      }
      return { lossSum, correct, count: targets.length };
    },
  };
}

function checkTargets(targets: Int32Array, numClasses: number): void {
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    if (!(t >= 0 && t < numClasses)) {
      throw new LoomError(`target ${showValue(t)} at position ${i} is not a class id in [0, ${numClasses})`);
    }
  }
}
