import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Rng } from '../../util/rng.js';
import { chooseSwap, matMulShape, prefersNaiveLoop } from './matmul-core.js';
import { installedWasmKernel } from './registry.js';
import { TOLERANCE, normal, setupBackends, wasmDataIds, wasmVsCpu } from './test-support/compare.js';

// Error measure: max|wasm - cpu| / max(1, max|cpu|) over all outputs (see test-support/compare.ts).

const COMBOS: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
const SIZES: [number, number, number][] = [
  [1, 1, 1], [1, 7, 33], [7, 1, 5], [33, 7, 1], [7, 33, 17], [5, 64, 3], [33, 40, 65], [128, 196, 96],
];

function operandShape(batch: number[], rows: number, cols: number, transpose: boolean): number[] {
  return [...batch, ...(transpose ? [cols, rows] : [rows, cols])];
}

describe('BatchMatMul (wasm, Loom kernel) vs cpu', () => {
  beforeAll(setupBackends);

  it("is Loom's kernel on wasm", () => {
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(installedWasmKernel('BatchMatMul'));
  });

  for (const [M, K, N] of SIZES) {
    for (const [tA, tB] of COMBOS) {
      it(`${M}x${K}x${N} transposeA=${tA} transposeB=${tB}`, async () => {
        const rng = new Rng(M * 1000 + K * 10 + N);
        const a = normal(rng, operandShape([], M, K, tA));
        const b = normal(rng, operandShape([], K, N, tB));
        expect(await wasmVsCpu([a, b], (x, y) => tf.matMul(x!, y!, tA, tB))).toBeLessThan(TOLERANCE);
      });
    }
  }

  const BATCHED: { a: number[]; b: number[] }[] = [
    { a: [3], b: [3] },
    { a: [1], b: [1] },
    { a: [5], b: [] }, // batched a, plain b: folded into one product
    { a: [5], b: [1] },
    { a: [1], b: [4] }, // a broadcast over b's batches
    { a: [], b: [7] },
    { a: [2, 3], b: [3] },
    { a: [2, 3], b: [2, 3] },
  ];
  // 7x33x17 slices stay on the backend's naive loop when a and b have the same batches
  // (prefersNaiveLoop); 33x40x65 slices go through XNNPACK one by one.
  for (const [M, K, N] of [[7, 33, 17], [33, 40, 65]] as [number, number, number][]) {
    for (const { a: batchA, b: batchB } of BATCHED) {
      for (const [tA, tB] of COMBOS) {
        it(`batched [${batchA}] x [${batchB}] (${M}x${K}x${N}) transposeA=${tA} transposeB=${tB}`, async () => {
          const rng = new Rng(batchA.length * 100 + batchB.length + M);
          const a = normal(rng, operandShape(batchA, M, K, tA));
          const b = normal(rng, operandShape(batchB, K, N, tB));
          expect(await wasmVsCpu([a, b], (x, y) => tf.matMul(x!, y!, tA, tB))).toBeLessThan(TOLERANCE);
        });
      }
    }
  }

  it('takes the swapped route (C = (B A^T)^T) where it is cheaper, with the same result', async () => {
    expect(chooseSwap({ M: 128, K: 256, N: 784 }, false, true)).toBe(true);
    expect(chooseSwap({ M: 784, K: 128, N: 256 }, true, false)).toBe(false);
    const rng = new Rng(7);
    const a = normal(rng, [128, 256]);
    const b = normal(rng, [784, 256]);
    expect(await wasmVsCpu([a, b], (x, y) => tf.matMul(x!, y!, false, true))).toBeLessThan(TOLERANCE);
  });

  it('leaves only tiny, unbroadcast batched products to the naive loop', () => {
    const info = (a: number[], b: number[]) =>
      matMulShape({ dataId: {}, dtype: 'float32', shape: a }, { dataId: {}, dtype: 'float32', shape: b }, false, false, 'test');
    expect(prefersNaiveLoop(info([64, 8, 8], [64, 8, 8]))).toBe(true);
    expect(prefersNaiveLoop(info([64, 32, 16], [64, 16, 32]))).toBe(false);
    expect(prefersNaiveLoop(info([1, 8, 8], [64, 8, 8]))).toBe(false); // broadcast a
    expect(prefersNaiveLoop(info([8, 8], [8, 8]))).toBe(false); // not batched
  });

  it('handles empty operands', async () => {
    const rng = new Rng(3);
    const a = normal(rng, [4, 0]);
    const b = normal(rng, [0, 5]);
    expect(await wasmVsCpu([a, b], (x, y) => tf.matMul(x!, y!))).toBe(0);
  });

  it('detects a wrong result (the comparison can fail)', async () => {
    const rng = new Rng(11);
    const a = normal(rng, [7, 33]);
    const b = normal(rng, [33, 17]);
    // Same inputs, but cpu multiplies by b + 1e-3: the error must exceed the tolerance.
    const err = await wasmVsCpu([a, b], (x, y) => (tf.getBackend() === 'cpu' ? tf.matMul(x!, tf.add(y!, 1e-3)) : tf.matMul(x!, y!)));
    expect(err).toBeGreaterThan(TOLERANCE);
  });

  it('frees its intermediates (transposes, slice views)', async () => {
    await tf.setBackend('wasm');
    const rng = new Rng(5);
    const make = (shape: number[]): tf.Tensor => tf.tensor(normal(rng, shape).values, shape);
    const cases: [tf.Tensor, tf.Tensor, boolean, boolean][] = [];
    for (const [tA, tB] of COMBOS) {
      cases.push([make(operandShape([3], 33, 40, tA)), make(operandShape([3], 40, 65, tB)), tA, tB]);
      cases.push([make(operandShape([], 128, 256, tA)), make(operandShape([], 256, 784, tB)), tA, tB]);
      cases.push([make(operandShape([4], 7, 33, tA)), make(operandShape([], 33, 17, tB)), tA, tB]);
    }
    const before = wasmDataIds();
    for (const [a, b, tA, tB] of cases) tf.matMul(a, b, tA, tB).dispose();
    expect(wasmDataIds()).toBe(before);
    for (const [a, b] of cases) tf.dispose([a, b]);
  });
});
