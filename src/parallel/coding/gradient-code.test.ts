/** Gradient codes decode the full gradient from any n - s workers (float32 gradients, 1e-6 relative). */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { checkGradientCode, createGradientCode, type GradientCodeScheme } from './gradient-code.js';

/** All subsets of size k of 0..n-1. */
function subsets(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  if (n < k) return [];
  return [...subsets(n - 1, k - 1).map((s) => [...s, n - 1]), ...subsets(n - 1, k)];
}

function check(scheme: GradientCodeScheme, n: number, s: number): number {
  const code = createGradientCode(scheme, n, s, 7);
  const rng = Rng.derive(1, n, s);
  const d = 50;
  const partitions = Array.from({ length: n }, () => Float32Array.from({ length: d }, () => rng.normal()));
  const full = new Float64Array(d);
  for (const g of partitions) for (let k = 0; k < d; k++) full[k]! += g[k]!;
  const sends = Array.from({ length: n }, (_, i) => {
    const { partitions: covered, coefficients } = code.row(i);
    expect(covered).toHaveLength(s + 1);
    const out = new Float32Array(d);
    covered.forEach((j, c) => partitions[j]!.forEach((x, k) => (out[k]! += coefficients[c]! * x)));
    return out;
  });
  let worst = 0;
  for (const survivors of subsets(n, n - s)) {
    const a = code.decode(survivors);
    const decoded = new Float32Array(d);
    survivors.forEach((i, c) => sends[i]!.forEach((x, k) => (decoded[k]! += a[c]! * x)));
    const scale = Math.max(...Array.from(full, Math.abs));
    worst = Math.max(worst, Math.max(...Array.from(decoded, (x, k) => Math.abs(x - full[k]!))) / scale);
  }
  return worst;
}

describe('gradient codes', () => {
  it('fractional repetition decodes from every n - s survivors', () => {
    for (const [n, s] of [
      [4, 1],
      [6, 2],
      [6, 1],
    ] as const) {
      expect(check('fractional-repetition', n, s)).toBeLessThan(1e-6);
    }
  });

  it('the cyclic code decodes from every n - s survivors', () => {
    for (const [n, s] of [
      [4, 1],
      [5, 2],
      [7, 3],
    ] as const) {
      expect(check('cyclic', n, s)).toBeLessThan(1e-6);
    }
  });

  it('refuses an s the worker count cannot meet', () => {
    expect(() => checkGradientCode('fractional-repetition', 4, 2)).toThrow('strategy.gradientCoding: fractional repetition needs s + 1 = 3 to divide distributed.workers = 4 (or use scheme cyclic)');
    expect(() => checkGradientCode('cyclic', 4, 4)).toThrow('strategy.gradientCoding.s = 4 stragglers cannot be tolerated by distributed.workers = 4 (s must be below the worker count)');
  });
});
