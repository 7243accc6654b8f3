import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../compute/index.js';
import { Rng } from '../../util/index.js';
import { useCpu } from '../test-support/backend.js';
import { maxPoolBackward } from './pool.js';

beforeAll(useCpu);

describe('maxPoolBackward', () => {
  it('equals tfjs-cpu MaxPoolGrad, odd sizes included', () => {
    const rng = new Rng(5);
    for (const shape of [[2, 4, 4, 3], [1, 5, 7, 2], [3, 6, 2, 1]] as [number, number, number, number][]) {
      const x = tf.tensor4d(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal()), shape);
      const y = tf.maxPool(x, 2, 2, 'valid');
      const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 7);
      const expected = tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'))(x, dy);
      const got = maxPoolBackward(x.dataSync() as Float32Array, dy.dataSync() as Float32Array, shape, 2);
      expect(Array.from(got)).toEqual(Array.from(expected.dataSync()));
      tf.dispose([x, y, dy, expected]);
    }
  });

  it('sends dy to the first maximum of a window when values tie', () => {
    const dx = maxPoolBackward(Float32Array.of(0, 0, 0, 0), Float32Array.of(1), [1, 2, 2, 1], 2);
    expect(Array.from(dx)).toEqual([1, 0, 0, 0]);
  });
});
