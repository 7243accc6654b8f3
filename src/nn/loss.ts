/** Loss heads: what turns a model's raw outputs and the batch targets into a loss. */
import { tf } from '../compute/index.js';
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
 * Softmax cross-entropy over the last axis of the logits, each position one target class.
 * Written as one custom-gradient op: loss = mean(logSumExp(z) - z[target]), gradient
 * (softmax(z) - onehot) / n. That is stable (logSumExp subtracts the max) and costs a handful of
 * small kernels on any backend, fewer than tf.losses.softmaxCrossEntropy's weighting machinery.
 */
export function softmaxCrossEntropy(numClasses: number, targetsPerSample = 1): LossHead {
  return {
    targetsPerSample,
    loss(output, targets) {
      checkTargets(targets, numClasses);
      const n = targets.length;
      const oneHot = tf.tensor2d(oneHotRows(targets, numClasses), [n, numClasses]);
      const logits = tf.reshape(output, [n, numClasses]);
      const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
        const z = args[0] as tf.Tensor;
        const save = args[1] as tf.GradSaveFunc;
        const logProbs = tf.sub(z, tf.logSumExp(z, -1, true));
        save([logProbs, oneHot]); // saved tensors survive the forward scope; closures do not
        return {
          value: tf.div(tf.neg(tf.sum(tf.mul(logProbs, oneHot))), n) as tf.Scalar,
          gradFunc: (dy: tf.Tensor, [logP, target]: tf.Tensor[]) => tf.mul(tf.sub(tf.exp(logP), target), tf.div(dy, n)),
        };
      });
      return op(logits) as tf.Scalar;
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

function oneHotRows(targets: Int32Array, numClasses: number): Float32Array {
  const out = new Float32Array(targets.length * numClasses);
  for (let i = 0; i < targets.length; i++) out[i * numClasses + targets[i]] = 1;
  return out;
}

function checkTargets(targets: Int32Array, numClasses: number): void {
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    if (!(t >= 0 && t < numClasses)) {
      throw new LoomError(`target ${showValue(t)} at position ${i} is not a class id in [0, ${numClasses})`);
    }
  }
}
