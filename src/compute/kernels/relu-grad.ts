/**
 * ReLU's gradient as one native kernel. TensorFlow.js differentiates `Relu` as
 * dy * cast(step(x)): three kernels and two full-size temporaries (2.9 ms on LeNet's first
 * activation at batch 128 on wasm). Loom re-registers the gradient of `Relu` so that on wasm with
 * the native kernels loaded it runs `LoomReluGrad` (native/elementwise.cc, the same values:
 * dy where x > 0, NaN where x is NaN, dy * 0 elsewhere), and TensorFlow.js's formula everywhere
 * else. `LoomReluGrad` has its own gradient, so higher-order derivatives still work.
 */
import { nativeKernels } from '../../native/index.js';
import { tf } from '../tf.js';
import { addWasmKernel, type KernelReplacement, type LoomWasmKernel } from './registry.js';
import { heapBuffer, heapOffset, input, wasmKernel } from './wasm-backend.js';

export const RELU_GRAD = 'LoomReluGrad';

export const reluGradKernel: LoomWasmKernel = addWasmKernel(RELU_GRAD, "ReLU's gradient in one native kernel (was Step, Cast, Multiply)",
  wasmKernel(RELU_GRAD, ({ inputs, backend }) => {
    const dy = input(inputs, 'dy', RELU_GRAD);
    const x = input(inputs, 'x', RELU_GRAD);
    const native = nativeKernels();
    if (native === null) throw new Error(`${RELU_GRAD} runs only with the native kernels loaded`);
    const dx = backend.makeOutput([...x.shape], 'float32');
    native.reluGrad(heapBuffer(backend), {
      dy: heapOffset(backend, dy), x: heapOffset(backend, x), dx: heapOffset(backend, dx), n: tf.util.sizeFromShape(x.shape),
    });
    return dx;
  }),
);

function nativeReluGrad(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const fused = tf.getBackend() === 'wasm' && nativeKernels() !== null && x.dtype === 'float32' && dy.dtype === 'float32';
  if (!fused) return tf.mul(dy, tf.cast(tf.step(x), 'float32'));
  return tf.engine().runKernel(RELU_GRAD, { dy, x }) as tf.Tensor;
}

const INSTALLED = Symbol.for('loom-ml.compute.reluGradient');

/** Registers the gradients of `Relu` and `LoomReluGrad` (once per process). */
export function installReluGradient(): KernelReplacement {
  const holder = globalThis as { [INSTALLED]?: boolean };
  if (holder[INSTALLED] !== true) {
    tf.registerGradient({
      kernelName: 'Relu',
      inputsToSave: ['x'],
      gradFunc: (dy, saved) => ({ x: () => nativeReluGrad(dy as tf.Tensor, saved[0]!) }),
    });
    tf.registerGradient({
      kernelName: RELU_GRAD,
      inputsToSave: ['x'],
      gradFunc: (ddx, saved) => ({ dy: () => nativeReluGrad(ddx as tf.Tensor, saved[0]!), x: () => tf.zerosLike(saved[0]!) }),
    });
    holder[INSTALLED] = true;
  }
  return { kernel: 'Relu (gradient)', action: 'replaced', reason: 'one native kernel on wasm when the addon is loaded' };
}
