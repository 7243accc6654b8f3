/**
 * Mean softmax cross-entropy of logits [n, C] against class ids, differentiable in the logits:
 * loss = mean(logSumExp(z) - z[target]), gradient (softmax(z) - onehot) / n * dy.
 *
 * On wasm it is one kernel forward (`LoomSoftmaxCrossEntropy`) and one backward
 * (`LoomSoftmaxCrossEntropyGrad`), loops over the heap in float64 with the row maximum
 * subtracted: the composed form is ~24 TensorFlow.js ops per step, each with its own bookkeeping.
 * Elsewhere it is the composed form as one custom-gradient op (stable: logSumExp subtracts the max).
 */
import { tf } from '../tf.js';
import { addWasmKernel, type LoomWasmKernel } from '../kernels/registry.js';
import { heapF32, heapI32, input, wasmKernel } from '../kernels/wasm-backend.js';

/** The row's maximum and sum_j exp(z_j - max): log-sum-exp without overflow. */
function shiftedExpSum(z: Float32Array, row: number, classes: number): { max: number; sum: number } {
  let max = -Infinity;
  for (let j = 0; j < classes; j++) max = Math.max(max, z[row + j]!);
  let sum = 0;
  for (let j = 0; j < classes; j++) sum += Math.exp(z[row + j]! - max);
  return { max, sum };
}

export const SOFTMAX_CE = 'LoomSoftmaxCrossEntropy';
export const SOFTMAX_CE_GRAD = 'LoomSoftmaxCrossEntropyGrad';

/** `targets` must already be checked to hold class ids in [0, C). */
export function softmaxCrossEntropyLoss(logits: tf.Tensor2D, targets: Int32Array): tf.Scalar {
  const [n, classes] = logits.shape;
  if (tf.getBackend() === 'wasm' && logits.dtype === 'float32') {
    const labels = tf.tensor1d(targets, 'int32');
    return tf.engine().runKernel(SOFTMAX_CE, { logits, labels }) as tf.Scalar;
  }
  const oneHot = tf.oneHot(tf.tensor1d(targets, 'int32'), classes).toFloat();
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const z = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const logProbs = tf.sub(z, tf.logSumExp(z, -1, true));
    save([logProbs, oneHot]); // saved tensors survive the forward scope; closures do not
    return {
      value: tf.div(tf.neg(tf.sum(tf.mul(logProbs, oneHot))), n) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, [logP, target]: tf.Tensor[]) => tf.mul(tf.sub(tf.exp(logP!), target!), tf.div(dy, n)),
    };
  });
  return op(logits) as tf.Scalar;
}

export const softmaxCrossEntropyKernel: LoomWasmKernel = addWasmKernel(SOFTMAX_CE, 'softmax cross-entropy as one kernel (was ~12 ops)',
  wasmKernel(SOFTMAX_CE, ({ inputs, backend }) => {
    const logits = input(inputs, 'logits', SOFTMAX_CE);
    const labels = input(inputs, 'labels', SOFTMAX_CE);
    const [n, classes] = logits.shape as [number, number];
    const out = backend.makeOutput([], 'float32');
    const z = heapF32(backend, logits);
    const t = heapI32(backend, labels);
    let total = 0;
    for (let r = 0; r < n; r++) {
      const row = r * classes;
      const { max, sum } = shiftedExpSum(z, row, classes);
      total += max + Math.log(sum) - z[row + t[r]!]!;
    }
    heapF32(backend, out)[0] = n === 0 ? Number.NaN : total / n;
    return out;
  }),
);

export const softmaxCrossEntropyGradKernel: LoomWasmKernel = addWasmKernel(SOFTMAX_CE_GRAD, 'its gradient as one kernel',
  wasmKernel(SOFTMAX_CE_GRAD, ({ inputs, backend }) => {
    const logits = input(inputs, 'logits', SOFTMAX_CE_GRAD);
    const labels = input(inputs, 'labels', SOFTMAX_CE_GRAD);
    const dy = input(inputs, 'dy', SOFTMAX_CE_GRAD);
    const [n, classes] = logits.shape as [number, number];
    const dz = backend.makeOutput([n, classes], 'float32');
    const z = heapF32(backend, logits);
    const t = heapI32(backend, labels);
    const g = heapF32(backend, dz);
    const scale = heapF32(backend, dy)[0]! / n;
    for (let r = 0; r < n; r++) {
      const row = r * classes;
      const { max, sum } = shiftedExpSum(z, row, classes);
      for (let j = 0; j < classes; j++) g[row + j] = (Math.exp(z[row + j]! - max) / sum - (j === t[r] ? 1 : 0)) * scale;
    }
    return dz;
  }),
);

const INSTALLED = Symbol.for('loom-ml.compute.softmaxCrossEntropyGradient');

/** Registers the gradient of `LoomSoftmaxCrossEntropy` (once per process). */
export function installSoftmaxCrossEntropyGradient(): void {
  const holder = globalThis as { [INSTALLED]?: boolean };
  if (holder[INSTALLED] === true) return;
  tf.registerGradient({
    kernelName: SOFTMAX_CE,
    inputsToSave: ['logits', 'labels'],
    gradFunc: (dy, saved) => {
      const [logits, labels] = saved as [tf.Tensor, tf.Tensor];
      return {
        logits: () => tf.engine().runKernel(SOFTMAX_CE_GRAD, { logits, labels, dy: dy as tf.Tensor }) as tf.Tensor,
        labels: () => tf.zerosLike(labels),
      };
    },
  });
  holder[INSTALLED] = true;
}
