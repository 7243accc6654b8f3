/** The pooling geometries both pool-gradient kernel tests (MaxPoolGrad, AvgPoolGrad) run. */
import { tf } from '../../tf.js';
import { wasmDataIds } from './compare.js';

export interface PoolCase {
  readonly x: [number, number, number, number];
  readonly filter: number | [number, number];
  readonly strides: number | [number, number];
  readonly pad: 'same' | 'valid' | number;
}

export const POOL_CASES: readonly PoolCase[] = [
  { x: [1, 1, 1, 1], filter: 1, strides: 1, pad: 'valid' },
  { x: [3, 28, 28, 6], filter: 2, strides: 2, pad: 'valid' }, // LeNet pool1
  { x: [5, 10, 10, 16], filter: 2, strides: 2, pad: 'valid' }, // LeNet pool2
  { x: [3, 7, 7, 3], filter: 3, strides: 2, pad: 'same' }, // windows cut by padding
  { x: [2, 9, 8, 5], filter: 3, strides: 1, pad: 'same' }, // overlapping windows
  { x: [7, 9, 11, 2], filter: [2, 3], strides: [1, 2], pad: 'valid' },
  { x: [3, 8, 8, 33], filter: 3, strides: 2, pad: 1 },
];

/** Shape of the pooling's output, i.e. of dy. */
export function poolOutShape(c: PoolCase): number[] {
  return tf.backend_util.computePool2DInfo(c.x, c.filter, c.strides, 1, c.pad).outShape;
}

/** The test title of a case. */
export function poolCaseTitle(c: PoolCase): string {
  return `x=[${c.x}] filter=${JSON.stringify(c.filter)} strides=${JSON.stringify(c.strides)} pad=${c.pad}`;
}

/**
 * Tensors alive in the wasm backend before and after the gradient of `pool(x).sum()`, a 2x2/2
 * 'valid' pooling of a [3,8,8,2] input (a kernel that frees its intermediates leaves them equal).
 */
export async function wasmDataIdsAroundPoolGrad(
  pool: (v: tf.Tensor4D, filterSize: number, strides: number, pad: 'valid') => tf.Tensor,
): Promise<{ before: number; after: number }> {
  await tf.setBackend('wasm');
  const x = tf.randomNormal([3, 8, 8, 2]) as tf.Tensor4D;
  const before = wasmDataIds();
  tf.grad((v: tf.Tensor) => pool(v as tf.Tensor4D, 2, 2, 'valid').sum())(x).dispose();
  const after = wasmDataIds();
  x.dispose();
  return { before, after };
}
