/**
 * `Identity` for wasm without a copy: the output shares the input's data, with one more
 * reference on it, as the cpu backend and wasm's own `Reshape` do (TensorFlow.js tensors are
 * immutable). The backend's kernel mallocs and copies, and the engine runs `Identity` on every
 * tensor a gradient saves (`saveTensorsForBackwardMode` clones them), so recording a CNN step
 * copied ~20 MB of activations before this.
 */
import { replaceWasmKernel, type LoomWasmKernel } from './registry.js';
import { input, runKernelFunc, wasmKernel } from './wasm-backend.js';
import { LoomError } from '../../util/errors.js';

const NAME = 'Identity';

export const identityKernel: LoomWasmKernel = replaceWasmKernel(NAME, 'copied the data; now shares it (one more reference)', (original) =>
  wasmKernel(NAME, ({ inputs, backend, attrs }) => {
    const x = input(inputs, 'x', NAME);
    if (x.dtype === 'string') {
      if (original) return runKernelFunc(original.kernelFunc, NAME, inputs, backend, attrs);
      throw new LoomError(`${NAME} on wasm: string tensors need the backend's own kernel`);
    }
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  }),
);
