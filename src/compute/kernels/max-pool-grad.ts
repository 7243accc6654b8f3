/**
 * `MaxPoolGrad` for wasm: routes each window's gradient to the position of its maximum. The
 * backend's own kernel took 22 ms for LeNet's first pool at batch 128 ([128,28,28,6], 2x2/2);
 * this JS loop over the heap takes ~1-2 ms, the native kernel (native/pool.cc) less where loaded.
 *
 * Ties go to the first maximum in row-major window order (strict `>`), and a window whose values
 * are all NaN or -Infinity passes nothing on, exactly as the cpu backend's kernel does (see
 * pool-grad.ts, the loop it shares with `AvgPoolGrad`).
 */
import { LoomError } from '../../util/errors.js';
import { replaceWasmKernel, type LoomWasmKernel } from './registry.js';
import { parseRounding } from './conv-attrs.js';
import { poolGradInfo, poolGradOnHeap } from './pool-grad.js';
import { heapBuffer, heapOffset, input, wasmKernel } from './wasm-backend.js';
import { nativeKernels } from '../../native/index.js';

const NAME = 'MaxPoolGrad';

const REASON = 'was slow (22 ms on LeNet pool1 at batch 128) and misrouted gradients with several channels; JS loop on the heap';

export const maxPoolGradKernel: LoomWasmKernel = replaceWasmKernel(NAME, REASON, () =>
  wasmKernel(NAME, ({ inputs, backend, attrs }) => {
    const dy = input(inputs, 'dy', NAME);
    const x = input(inputs, 'input', NAME);
    if (dy.dtype !== 'float32' || x.dtype !== 'float32') {
      throw new LoomError(`${NAME} on wasm supports float32 only, got ${dy.dtype} and ${x.dtype}`);
    }
    const info = poolGradInfo(x, attrs, parseRounding(attrs.dimRoundingMode), NAME);
    const native = nativeKernels();
    if (native === null) return poolGradOnHeap('max', backend, x, dy, info);
    const dx = backend.makeOutput([...x.shape], 'float32');
    native.maxPoolGrad(heapBuffer(backend), {
      batch: info.batchSize, inHeight: info.inHeight, inWidth: info.inWidth, channels: info.inChannels,
      outHeight: info.outHeight, outWidth: info.outWidth, filterHeight: info.filterHeight, filterWidth: info.filterWidth,
      strideHeight: info.strideHeight, strideWidth: info.strideWidth, padTop: info.padInfo.top, padLeft: info.padInfo.left,
    }, { x: heapOffset(backend, x), dy: heapOffset(backend, dy), dx: heapOffset(backend, dx) });
    return dx;
  }),
);
