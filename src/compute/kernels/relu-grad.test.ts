import { beforeAll, describe, expect, it } from 'vitest';
import { nativeKernels } from '../../native/index.js';
import { tf } from '../tf.js';
import { Rng } from '../../util/rng.js';
import { RELU_GRAD } from './relu-grad.js';
import { TOLERANCE, normal, setupBackends, wasmVsCpu } from './test-support/compare.js';

describe("ReLU's gradient (wasm: LoomReluGrad where the addon is loaded) vs cpu", () => {
  beforeAll(setupBackends);

  for (const shape of [[1], [7], [33, 7], [128, 28, 28, 6]]) {
    it(`[${shape}]`, async () => {
      const rng = new Rng(shape.length);
      expect(await wasmVsCpu([normal(rng, shape)], (x) => tf.grad((v: tf.Tensor) => tf.relu(v).mul(v).sum())(x!))).toBeLessThan(TOLERANCE);
    });
  }

  it('keeps NaN, zero and infinities exactly as TensorFlow.js does', async () => {
    const x = { values: Float32Array.from([Number.NaN, 0, -0, -1, 2, Infinity, -Infinity, 1e-45]), shape: [8] };
    const dy = { values: Float32Array.from([1, 2, 3, Infinity, 5, 6, Number.NaN, 8]), shape: [8] };
    const grads = async (backend: string) => {
      await tf.setBackend(backend);
      const [xt, dyt] = [tf.tensor(x.values, x.shape), tf.tensor(dy.values, dy.shape)];
      const g = tf.grad((v: tf.Tensor) => tf.relu(v))(xt, dyt);
      const out = Array.from(g.dataSync());
      tf.dispose([xt, dyt, g]);
      return out;
    };
    expect(await grads('wasm')).toEqual(await grads('cpu'));
  });

  it('second derivatives still work (the kernel has a gradient)', async () => {
    const rng = new Rng(9);
    const err = await wasmVsCpu([normal(rng, [5, 6])], (x) =>
      tf.grad((v: tf.Tensor) => tf.grad((u: tf.Tensor) => tf.relu(u).mul(u).mul(u).sum())(v).sum())(x!),
    );
    expect(err).toBeLessThan(TOLERANCE);
  });

  it.skipIf(nativeKernels() === null)('runs as one kernel on wasm with the addon', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([64, 32]);
    const profile = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.relu(v).sum())(x));
    const names = profile.kernels.map((k) => k.name);
    expect(names).toContain(RELU_GRAD);
    expect(names).not.toContain('Step');
    x.dispose();
  });
});
