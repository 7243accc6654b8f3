/**
 * `AvgPoolGrad` for wasm: spreads each window's gradient over the window's in-bounds positions.
 * The backend's own kernel took 8 ms for [128,28,28,6] 2x2/2; this JS loop over the heap ~1 ms
 * (pool-grad.ts, the loop it shares with `MaxPoolGrad`).
 *
 * Like TensorFlow.js's cpu kernel (the reference), each window's share is dy / (filterHeight *
 * filterWidth) even where 'same' padding cuts the window (the forward pass divides by the count
 * of in-bounds values there, so the two disagree at padded borders; we match the cpu kernel).
 */
import { LoomError } from '../../util/errors.js';
import { replaceWasmKernel, type LoomWasmKernel } from './registry.js';
import { poolGradInfo, poolGradOnHeap } from './pool-grad.js';
import { input, wasmKernel } from './wasm-backend.js';

const NAME = 'AvgPoolGrad';

const REASON = 'was slow (8 ms for a 2x2 pool on [128,28,28,6]); JS loop on the heap';

export const avgPoolGradKernel: LoomWasmKernel = replaceWasmKernel(NAME, REASON, () =>
  wasmKernel(NAME, ({ inputs, backend, attrs }) => {
    const dy = input(inputs, 'dy', NAME);
    const x = input(inputs, 'input', NAME);
    if (dy.dtype !== 'float32') throw new LoomError(`${NAME} on wasm supports float32 only, got ${dy.dtype}`);
    return poolGradOnHeap('avg', backend, x, dy, poolGradInfo(x, attrs, undefined, NAME));
  }),
);
