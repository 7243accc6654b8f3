/**
 * `AvgPoolGrad` for wasm: spreads each window's gradient over the window's in-bounds positions.
 * The backend's own kernel took 8 ms for [128,28,28,6] 2x2/2; this JS loop over the heap ~1 ms.
 *
 * Like TensorFlow.js's cpu kernel (the reference), each window's share is dy / (filterHeight *
 * filterWidth) even where 'same' padding cuts the window (the forward pass divides by the count
 * of in-bounds values there, so the two disagree at padded borders; we match the cpu kernel).
 */
import { LoomError } from '../../util/errors.js';
import { tf } from '../tf.js';
import type { LoomWasmKernel } from './registry.js';
import { pairOrNumber, parsePad, shape4 } from './conv-attrs.js';
import { heapBuffer, heapOffset, input, wasmKernel } from './wasm-backend.js';

const NAME = 'AvgPoolGrad';

export const avgPoolGradKernel: LoomWasmKernel = {
  kernelName: NAME,
  reason: 'was slow (8 ms for a 2x2 pool on [128,28,28,6]); JS loop on the heap',
  make(original) {
    return {
      kernelName: NAME,
      backendName: 'wasm',
      ...(original?.setupFunc ? { setupFunc: original.setupFunc } : {}),
      kernelFunc: wasmKernel(NAME, ({ inputs, backend, attrs }) => {
        const dy = input(inputs, 'dy', NAME);
        const x = input(inputs, 'input', NAME);
        if (dy.dtype !== 'float32') throw new LoomError(`${NAME} on wasm supports float32 only, got ${dy.dtype}`);
        const info = tf.backend_util.computePool2DInfo(
          shape4(x.shape, 'input', NAME), pairOrNumber(attrs.filterSize, 'filterSize', NAME),
          pairOrNumber(attrs.strides, 'strides', NAME), 1, parsePad(attrs.pad, NAME),
        );
        const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
        const { filterHeight: FH, filterWidth: FW, strideHeight: sh, strideWidth: sw } = info;
        const top = info.padInfo.top;
        const left = info.padInfo.left;
        const share = 1 / (FH * FW);
        const dx = backend.makeOutput([...x.shape], 'float32');
        const buffer = heapBuffer(backend);
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
              for (let r = r0; r < r1; r++) {
                for (let col = c0; col < c1; col++) {
                  const at = image + (r * W + col) * C;
                  for (let c = 0; c < C; c++) dxs[at + c] += dys[g + c]! * share;
                }
              }
            }
          }
        }
        return dx;
      }),
    };
  },
};
