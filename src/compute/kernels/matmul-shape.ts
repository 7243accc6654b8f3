/** The shape of a batched matrix product (with numpy-style broadcasting of the leading dimensions), shared by the wasm and native paths. */
import { tf } from '../tf.js';
import { LoomError } from '../../util/errors.js';
import type { TensorInfo } from './wasm-backend.js';

export interface MatMulShape {
  readonly M: number;
  readonly K: number;
  readonly N: number;
  /** Product of a's (b's) leading dimensions. */
  readonly batchA: number;
  readonly batchB: number;
  /** Broadcast leading dimensions of the output, and their product. */
  readonly outBatchDims: number[];
  readonly batchOut: number;
  readonly outShape: number[];
}

export function matMulShape(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, kernel: string): MatMulShape {
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) throw new LoomError(`${kernel}: operands must have rank >= 2, got [${a.shape}] and [${b.shape}]`);
  const M = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const Ka = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const Kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const N = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (Ka !== Kb) {
    throw new LoomError(
      `${kernel}: inner dimensions ${Ka} and ${Kb} of shapes [${a.shape}] and [${b.shape}] ` +
        `(transposeA=${transposeA}, transposeB=${transposeB}) must match`,
    );
  }
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const outBatchDims = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const batchOut = tf.util.sizeFromShape(outBatchDims);
  return {
    M, K: Ka, N,
    batchA: tf.util.sizeFromShape(outerA),
    batchB: tf.util.sizeFromShape(outerB),
    outBatchDims, batchOut,
    outShape: [...outBatchDims, M, N],
  };
}

/** For each output batch, the batch index of a (or b) it reads, with numpy-style broadcasting. */
export function broadcastIndex(outerDims: readonly number[], outBatchDims: readonly number[]): Int32Array {
  const batchOut = tf.util.sizeFromShape([...outBatchDims]);
  const index = new Int32Array(batchOut);
  const rank = outBatchDims.length;
  const offset = rank - outerDims.length;
  for (let i = 0; i < batchOut; i++) {
    let rem = i;
    let idx = 0;
    let stride = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const size = outBatchDims[d]!;
      const coord = rem % size;
      rem = (rem - coord) / size;
      if (d >= offset) {
        const dim = outerDims[d - offset]!;
        if (dim !== 1) idx += coord * stride;
        stride *= dim;
      }
    }
    index[i] = idx;
  }
  return index;
}
