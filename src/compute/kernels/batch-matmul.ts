/**
 * `BatchMatMul` for wasm: products through XNNPACK (see matmul-core.ts), instead of the backend's
 * naive loop for transposed or batched operands (~1.5-2 GFLOP/s vs ~25). Batched products of tiny
 * matrices stay on the naive loop, which is faster there (`prefersNaiveLoop`).
 */
import type { LoomWasmKernel } from './registry.js';
import { LINEAR, matMulShape, prefersNaiveLoop, wasmMatMul } from './matmul-core.js';
import { LoomError } from '../../util/errors.js';
import { boolAttr, input, runKernelFunc, wasmKernel } from './wasm-backend.js';

const NAME = 'BatchMatMul';

export const batchMatMulKernel: LoomWasmKernel = {
  kernelName: NAME,
  reason: 'transposed and batched products ran at ~2 GFLOP/s; now explicit transpose + XNNPACK',
  make(original) {
    return {
      kernelName: NAME,
      backendName: 'wasm',
      ...(original?.setupFunc ? { setupFunc: original.setupFunc } : {}),
      ...(original?.disposeFunc ? { disposeFunc: original.disposeFunc } : {}),
      kernelFunc: wasmKernel(NAME, ({ inputs, backend, attrs }) => {
        const a = input(inputs, 'a', NAME);
        const b = input(inputs, 'b', NAME);
        if (a.dtype !== 'float32' || b.dtype !== 'float32') {
          throw new LoomError(`${NAME} on wasm supports float32 only, got ${a.dtype} x ${b.dtype}`);
        }
        const transposeA = boolAttr(attrs, 'transposeA');
        const transposeB = boolAttr(attrs, 'transposeB');
        if (original && prefersNaiveLoop(matMulShape(a, b, transposeA, transposeB, NAME))) {
          return runKernelFunc(original.kernelFunc, NAME, inputs, backend, attrs);
        }
        return wasmMatMul(backend, a, b, transposeA, transposeB, LINEAR, NAME);
      }),
    };
  },
};
