/**
 * `MaxPoolGrad` for wasm: routes each window's gradient to the position of its maximum. The
 * backend's own kernel took 22 ms for LeNet's first pool at batch 128 ([128,28,28,6], 2x2/2);
 * this JS loop over the heap takes ~1-2 ms.
 *
 * Ties go to the first maximum in row-major window order (strict `>`), and a window whose values
 * are all NaN or -Infinity passes nothing on, exactly as the cpu backend's kernel does.
 */
import { LoomError } from '../../util/errors.js';
import { tf } from '../tf.js';
import type { LoomWasmKernel } from './registry.js';
import { pairOrNumber, parsePad, parseRounding, shape4 } from './conv-attrs.js';
import { heapBuffer, heapOffset, input, wasmKernel } from './wasm-backend.js';

const NAME = 'MaxPoolGrad';

/** First position of the window's maximum under strict `>` from -Infinity (-1 if none), as the cpu backend. */
function exactArgmax(xs: Float32Array, image: number, r0: number, r1: number, c0: number, c1: number, W: number, C: number, c: number): number {
  let best = -Infinity;
  let at = -1;
  for (let r = r0; r < r1; r++) {
    for (let i = image + (r * W + c0) * C + c, end = image + (r * W + c1) * C; i < end; i += C) {
      if (xs[i]! > best) {
        best = xs[i]!;
        at = i;
      }
    }
  }
  return at;
}

export const maxPoolGradKernel: LoomWasmKernel = {
  kernelName: NAME,
  reason: 'was slow (22 ms on LeNet pool1 at batch 128); JS loop on the heap',
  make(original) {
    return {
      kernelName: NAME,
      backendName: 'wasm',
      ...(original?.setupFunc ? { setupFunc: original.setupFunc } : {}),
      kernelFunc: wasmKernel(NAME, ({ inputs, backend, attrs }) => {
        const dy = input(inputs, 'dy', NAME);
        const x = input(inputs, 'input', NAME);
        if (dy.dtype !== 'float32' || x.dtype !== 'float32') {
          throw new LoomError(`${NAME} on wasm supports float32 only, got ${dy.dtype} and ${x.dtype}`);
        }
        const info = tf.backend_util.computePool2DInfo(
          shape4(x.shape, 'input', NAME), pairOrNumber(attrs.filterSize, 'filterSize', NAME),
          pairOrNumber(attrs.strides, 'strides', NAME), 1, parsePad(attrs.pad, NAME), parseRounding(attrs.dimRoundingMode),
        );
        const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
        const { filterHeight: FH, filterWidth: FW, strideHeight: sh, strideWidth: sw } = info;
        const top = info.padInfo.top;
        const left = info.padInfo.left;
        const dx = backend.makeOutput([...x.shape], 'float32');
        const buffer = heapBuffer(backend);
        const xs = new Float32Array(buffer, heapOffset(backend, x), N * H * W * C);
        const dys = new Float32Array(buffer, heapOffset(backend, dy), N * OH * OW * C);
        const dxs = new Float32Array(buffer, heapOffset(backend, dx), N * H * W * C);
        dxs.fill(0);
        for (let n = 0; n < N; n++) {
          const image = n * H * W * C;
          for (let oh = 0; oh < OH; oh++) {
            const r0 = Math.max(0, oh * sh - top);
            const r1 = Math.min(H, oh * sh - top + FH);
            for (let ow = 0; ow < OW; ow++) {
              const c0 = Math.max(0, ow * sw - left);
              const c1 = Math.min(W, ow * sw - left + FW);
              const g = ((n * OH + oh) * OW + ow) * C;
              if (r0 >= r1 || c0 >= c1) continue; // a window entirely in the padding
              for (let c = 0; c < C; c++) {
                // Branch-free select (random data mispredicts `if (v > best)` half the time: 5.4 ms
                // vs 3.5 ms on [128,28,28,6]). Exact for finite values; a NaN or -Infinity makes `best`
                // NaN or -Infinity, and then the window is redone with the plain comparison.
                let at = image + (r0 * W + c0) * C + c;
                let best = xs[at]!;
                for (let r = r0; r < r1; r++) {
                  for (let i = image + (r * W + c0) * C + c, end = image + (r * W + c1) * C; i < end; i += C) {
                    const v = xs[i]!;
                    const b = +(v > best);
                    at += b * (i - at);
                    best = b * v + (1 - b) * best;
                  }
                }
                if (best !== best || best === -Infinity) at = exactArgmax(xs, image, r0, r1, c0, c1, W, C, c);
                if (at >= 0) dxs[at] += dys[g + c]!;
              }
            }
          }
        }
        return dx;
      }),
    };
  },
};
