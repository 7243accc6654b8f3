/**
 * `SplitV` (`tf.split`) for wasm: the backend's kernel calls its own slice function directly,
 * not through the kernel registry, so it kept the slow slice (146 ms to split a GPT's [B,T,3,H,D]
 * qkv tensor in three); this one slices with `sliceOnHeap`.
 */
import { LoomError } from '../../util/errors.js';
import { tf } from '../tf.js';
import { extendWasmKernel, type LoomWasmKernel } from './registry.js';
import { sliceOnHeap } from './slice.js';
import type { TensorInfo } from './wasm-backend.js';
import { asWasmBackend, input } from './wasm-backend.js';

const NAME = 'SplitV';

const REASON = "used the backend's slow slice directly (146 ms to split a [32,32,3,4,16] tensor)";

export const splitVKernel: LoomWasmKernel = extendWasmKernel(NAME, REASON, (original) =>
  ({ inputs, backend: rawBackend, attrs = {} }) => {
    const backend = asWasmBackend(rawBackend, NAME);
    const x = input(inputs, 'x', NAME);
    const { numOrSizeSplits, axis } = attrs;
    if (typeof axis !== 'number' && !Array.isArray(axis)) throw new LoomError(`${NAME}: bad axis ${JSON.stringify(axis)}`);
    if (typeof numOrSizeSplits !== 'number' && !(Array.isArray(numOrSizeSplits) && numOrSizeSplits.every((s) => typeof s === 'number'))) {
      throw new LoomError(`${NAME}: bad numOrSizeSplits ${JSON.stringify(numOrSizeSplits)}`);
    }
    const $axis = tf.util.parseAxisParam(typeof axis === 'number' ? axis : axis.map(Number), x.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x, typeof numOrSizeSplits === 'number' ? numOrSizeSplits : numOrSizeSplits.map(Number), $axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    const outs: TensorInfo[] = [];
    for (const s of sizes) {
      const size = [...x.shape];
      size[$axis] = s;
      const part = sliceOnHeap(backend, x, begin, size);
      if (part === null) {
        for (const o of outs) backend.disposeData(o.dataId);
        return original.kernelFunc({ inputs, backend, attrs });
      }
      outs.push(part);
      begin[$axis]! += s;
    }
    return outs;
  },
);
