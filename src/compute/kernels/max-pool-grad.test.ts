import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Rng } from '../../util/rng.js';
import { installedWasmKernel } from './registry.js';
import { TOLERANCE, normal, setupBackends, wasmVsCpu, type ArrayInput } from './test-support/compare.js';
import { POOL_CASES, poolCaseTitle, poolOutShape, wasmDataIdsAroundPoolGrad } from './test-support/pool-cases.js';

// Error measure: max|wasm - cpu| / max(1, max|cpu|) (see test-support/compare.ts).

/** Small integers, so that windows often hold equal maxima (tie-breaking must match cpu). */
function tiedInput(rng: Rng, shape: number[]): ArrayInput {
  const size = shape.reduce((a, b) => a * b, 1);
  return { values: Float32Array.from({ length: size }, () => Math.max(0, rng.int(5) - 2)), shape };
}

describe('MaxPoolGrad (wasm, Loom kernel) vs cpu', () => {
  beforeAll(setupBackends);

  it("is Loom's kernel on wasm", () => {
    expect(tf.getKernel('MaxPoolGrad', 'wasm')).toBe(installedWasmKernel('MaxPoolGrad'));
  });

  for (const [i, c] of POOL_CASES.entries()) {
    for (const ties of [false, true]) {
      it(`${poolCaseTitle(c)}${ties ? ' with ties' : ''}`, async () => {
        const rng = new Rng(300 + i);
        const x = ties ? tiedInput(rng, c.x) : normal(rng, c.x);
        const dyShape = poolOutShape(c);
        const err = await wasmVsCpu([x, normal(rng, dyShape)], (xs, dy) =>
          tf.engine().runKernel('MaxPoolGrad', { dy: dy!, input: xs!, output: tf.maxPool(xs as tf.Tensor4D, c.filter, c.strides, c.pad) }, {
            filterSize: c.filter, strides: c.strides, pad: c.pad,
          }) as tf.Tensor,
        );
        expect(err).toBeLessThan(TOLERANCE);
      });
    }
  }

  it('non-finite values: NaN, -Infinity and Infinity in windows, 1x1 windows of -Infinity', async () => {
    const special = [NaN, -Infinity, Infinity, 0, 1, -1];
    const rng = new Rng(77);
    const shape = [3, 6, 6, 2];
    const values = Float32Array.from({ length: 216 }, () => (rng.next() < 0.3 ? special[rng.int(special.length)]! : rng.normal()));
    for (const [filter, strides] of [[2, 2], [3, 1], [1, 1]] as [number, number][]) {
      const dyShape = tf.backend_util.computePool2DInfo(shape as [number, number, number, number], filter, strides, 1, 'valid').outShape;
      const err = await wasmVsCpu([{ values, shape }, normal(rng, dyShape)], (xs, dy) =>
        tf.engine().runKernel('MaxPoolGrad', { dy: dy!, input: xs!, output: tf.maxPool(xs as tf.Tensor4D, filter, strides, 'valid') }, {
          filterSize: filter, strides, pad: 'valid',
        }) as tf.Tensor,
      );
      expect(err).toBeLessThan(TOLERANCE);
    }
  });

  it('matches cpu through tf.grad of relu + maxPool', async () => {
    const rng = new Rng(31);
    const err = await wasmVsCpu([normal(rng, [5, 12, 12, 4])], (x) =>
      tf.grad((v: tf.Tensor) => tf.maxPool(tf.relu(v) as tf.Tensor4D, 2, 2, 'valid').square().sum())(x!),
    );
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('frees its intermediates', async () => {
    const { before, after } = await wasmDataIdsAroundPoolGrad(tf.maxPool);
    expect(after).toBe(before);
  });
});
