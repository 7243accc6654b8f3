import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Rng } from '../../util/rng.js';
import { installedWasmKernel } from './registry.js';
import { TOLERANCE, normal, setupBackends, wasmDataIds, wasmVsCpu } from './test-support/compare.js';

// Error measure: max|wasm - cpu| / max(1, max|cpu|) (see test-support/compare.ts). These kernels run
// the cpu backend's own code on copied data, so any difference would come from the copying.

describe('generic cpu-fallback kernels on wasm vs cpu', () => {
  beforeAll(setupBackends);

  for (const name of ['Einsum', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter']) {
    it(`${name} is Loom's fallback on wasm`, () => {
      expect(tf.getKernel(name, 'wasm')).toBe(installedWasmKernel(name));
    });
  }

  it('Einsum', async () => {
    const rng = new Rng(1);
    const a = normal(rng, [3, 7, 5]);
    const b = normal(rng, [3, 5, 33]);
    expect(await wasmVsCpu([a, b], (x, y) => tf.einsum('bij,bjk->bik', x!, y!))).toBeLessThan(TOLERANCE);
    expect(await wasmVsCpu([a], (x) => tf.einsum('bij->bji', x!))).toBe(0);
  });

  for (const [stride, pad] of [[1, 'same'], [2, 'valid']] as [number, 'same' | 'valid'][]) {
    it(`depthwise conv2d gradients (stride ${stride}, ${pad})`, async () => {
      const rng = new Rng(stride);
      const x = normal(rng, [3, 9, 9, 4]);
      const w = normal(rng, [3, 3, 4, 2]);
      const err = await wasmVsCpu([x, w], (xs, ws) => {
        const loss = (v: tf.Tensor, f: tf.Tensor): tf.Scalar =>
          tf.depthwiseConv2d(v as tf.Tensor4D, f as tf.Tensor4D, stride, pad).square().sum();
        return tf.grads(loss)([xs!, ws!]);
      });
      expect(err).toBeLessThan(TOLERANCE);
    });
  }

  it('frees the wasm-side copies', async () => {
    await tf.setBackend('wasm');
    const a = tf.randomNormal([3, 7, 5]);
    const b = tf.randomNormal([3, 5, 33]);
    const before = wasmDataIds();
    tf.einsum('bij,bjk->bik', a, b).dispose();
    expect(wasmDataIds()).toBe(before);
    tf.dispose([a, b]);
  });
});
