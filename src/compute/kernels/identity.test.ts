import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { installedWasmKernel } from './registry.js';
import { setupBackends, wasmDataIds } from './test-support/compare.js';

describe('Identity (wasm, Loom kernel)', () => {
  beforeAll(setupBackends);

  it("is Loom's kernel on wasm", () => {
    expect(tf.getKernel('Identity', 'wasm')).toBe(installedWasmKernel('Identity'));
  });

  it('shares the data, and each tensor stays readable after the other is disposed', async () => {
    await tf.setBackend('wasm');
    const before = wasmDataIds();
    const x = tf.tensor([1, 2, 3, 4], [2, 2]);
    const y = tf.clone(x);
    expect(y.shape).toEqual([2, 2]);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    const z = tf.clone(y);
    y.dispose();
    expect(Array.from(z.dataSync())).toEqual([1, 2, 3, 4]);
    z.dispose();
    expect(wasmDataIds()).toBe(before);
  });

  it('keeps int32 and bool dtypes', async () => {
    await tf.setBackend('wasm');
    const i = tf.tensor([1, -2], [2], 'int32');
    const b = tf.tensor([true, false], [2], 'bool');
    const ci = tf.clone(i);
    const cb = tf.clone(b);
    expect([ci.dtype, cb.dtype]).toEqual(['int32', 'bool']);
    expect(Array.from(ci.dataSync())).toEqual([1, -2]);
    expect(Array.from(cb.dataSync())).toEqual([1, 0]);
    tf.dispose([i, b, ci, cb]);
  });

  it('gradients through saved tensors are unchanged (tape clones share data)', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor([0.5, -1, 2], [3]);
    const g = tf.grad((v: tf.Tensor) => tf.mul(tf.relu(v), v).sum())(x);
    expect(Array.from(g.dataSync())).toEqual([1, 0, 4]);
    tf.dispose([x, g]);
  });
});
