/**
 * `BatchMatMul` for wasm: products through XNNPACK (see matmul-core.ts), instead of the backend's
 * naive loop for transposed or batched operands (~1.5-2 GFLOP/s vs ~25). Batched products of tiny
 * matrices stay on the naive loop, which is faster there (`prefersNaiveLoop`).
 */
import { replaceWasmKernel, type LoomWasmKernel } from './registry.js';
import { LINEAR, MATMUL_REASON, matMulOperands, matMulShape, prefersNaiveLoop, wasmMatMul } from './matmul-core.js';
import { runKernelFunc, wasmKernel } from './wasm-backend.js';

const NAME = 'BatchMatMul';

export const batchMatMulKernel: LoomWasmKernel = replaceWasmKernel(NAME, MATMUL_REASON, (original) =>
  wasmKernel(NAME, ({ inputs, backend, attrs }) => {
    const { a, b, transposeA, transposeB } = matMulOperands(inputs, attrs, NAME);
    if (original && prefersNaiveLoop(matMulShape(a, b, transposeA, transposeB, NAME))) {
      return runKernelFunc(original.kernelFunc, NAME, inputs, backend, attrs);
    }
    return wasmMatMul(backend, a, b, transposeA, transposeB, LINEAR, NAME);
  }),
);
