import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { Rng } from '../../util/rng.js';
import { installedWasmKernel } from './registry.js';
import { TOLERANCE, normal, setupBackends, wasmDataIds, wasmVsCpu, type ArrayInput } from './test-support/compare.js';

// Error measure: max|wasm - cpu| / max(1, max|cpu|) over all outputs (see test-support/compare.ts).

type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu' | 'prelu';
const COMBOS: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

function operandShape(batch: number[], rows: number, cols: number, transpose: boolean): number[] {
  return [...batch, ...(transpose ? [cols, rows] : [rows, cols])];
}

interface Case {
  readonly batch: number[];
  readonly M: number; readonly K: number; readonly N: number;
  readonly activation: Activation;
  /** Bias shape, or null for none. */
  readonly bias: number[] | null;
  /** PReLU weights shape (activation 'prelu' only). */
  readonly prelu?: number[];
}

async function check(c: Case, tA: boolean, tB: boolean, seed: number): Promise<number> {
  const rng = new Rng(seed);
  const inputs: ArrayInput[] = [normal(rng, operandShape(c.batch, c.M, c.K, tA)), normal(rng, operandShape([], c.K, c.N, tB))];
  if (c.bias) inputs.push(normal(rng, c.bias));
  if (c.prelu) inputs.push(normal(rng, c.prelu));
  return wasmVsCpu(inputs, (a, b, ...rest) => {
    const bias = c.bias ? rest.shift() : undefined;
    const prelu = c.prelu ? rest.shift() : undefined;
    return tf.fused.matMul({
      a: a!, b: b!, transposeA: tA, transposeB: tB, activation: c.activation,
      ...(bias ? { bias } : {}), ...(prelu ? { preluActivationWeights: prelu } : {}),
      ...(c.activation === 'leakyrelu' ? { leakyreluAlpha: 0.15 } : {}),
    });
  });
}

describe('_FusedMatMul (wasm, Loom kernel) vs cpu', () => {
  beforeAll(setupBackends);

  it("is Loom's kernel on wasm", () => {
    expect(tf.getKernel('_FusedMatMul', 'wasm')).toBe(installedWasmKernel('_FusedMatMul'));
  });

  const cases: Case[] = [];
  for (const [M, K, N] of [[1, 1, 1], [1, 7, 33], [33, 7, 1], [7, 33, 17], [128, 100, 64]] as [number, number, number][]) {
    cases.push({ batch: [], M, K, N, activation: 'relu', bias: [N] });
    cases.push({ batch: [], M, K, N, activation: 'linear', bias: [N] });
    cases.push({ batch: [], M, K, N, activation: 'linear', bias: null });
  }
  for (const activation of ['relu6', 'elu', 'sigmoid', 'leakyrelu'] as Activation[]) {
    cases.push({ batch: [], M: 7, K: 33, N: 17, activation, bias: [17] });
  }
  cases.push({ batch: [], M: 7, K: 33, N: 17, activation: 'prelu', bias: [17], prelu: [17] });
  cases.push({ batch: [3], M: 7, K: 33, N: 17, activation: 'relu', bias: [17] });
  cases.push({ batch: [5], M: 9, K: 4, N: 6, activation: 'relu', bias: [1, 6] });
  // Epilogues XNNPACK cannot fuse: full-shape bias, scalar bias, PReLU weights per element.
  cases.push({ batch: [], M: 7, K: 33, N: 17, activation: 'relu', bias: [7, 17] });
  cases.push({ batch: [], M: 7, K: 33, N: 17, activation: 'relu', bias: [1] });
  cases.push({ batch: [], M: 7, K: 33, N: 17, activation: 'prelu', bias: [17], prelu: [7, 17] });

  let seed = 1;
  for (const c of cases) {
    for (const [tA, tB] of COMBOS) {
      const s = seed++;
      const name = `[${c.batch}] ${c.M}x${c.K}x${c.N} ${c.activation} bias=${c.bias ? `[${c.bias}]` : 'none'}` +
        `${c.prelu ? ` prelu=[${c.prelu}]` : ''} transposeA=${tA} transposeB=${tB}`;
      it(name, async () => {
        expect(await check(c, tA, tB, s)).toBeLessThan(TOLERANCE);
      });
    }
  }

  it('frees its intermediates', async () => {
    await tf.setBackend('wasm');
    const a = tf.randomNormal([3, 33, 7]);
    const b = tf.randomNormal([17, 33]);
    const bias = tf.randomNormal([17]);
    const full = tf.randomNormal([7, 17]);
    const before = wasmDataIds();
    tf.fused.matMul({ a, b, transposeA: true, transposeB: true, bias, activation: 'relu' }).dispose();
    tf.fused.matMul({ a, b, transposeA: true, transposeB: true, bias: full, activation: 'elu' }).dispose();
    expect(wasmDataIds()).toBe(before);
    tf.dispose([a, b, bias, full]);
  });
});
