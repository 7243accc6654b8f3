import { describe, expect, it } from 'vitest';
import { checkPeersPerStep, exponentialPeriod, pushPeers, pushSumRound } from './push-sum.js';

/** Rank i's push-sum vector [x_i, w_i]. */
const vector = (x: readonly number[], w: number): Float32Array => Float32Array.from([...x, w]);
const weightOf = (y: Float32Array): number => y[y.length - 1]!;
/** z_i = x_i / w_i. */
const debiased = (y: Float32Array): number[] => Array.from(y.subarray(0, y.length - 1), (x) => x / weightOf(y));
const rounds = (ys: Float32Array[], from: number, count: number, peersPerStep = 1): Float32Array[] => {
  for (let k = from; k < from + count; k++) ys = pushSumRound(ys, k, peersPerStep);
  return ys;
};
/** A deterministic spread of starting values. */
const scripted = (i: number, e: number): number => Math.sin(1 + 3 * i + 7 * e) * (1 + i);

describe('push-sum over the directed exponential graph', () => {
  it('pushes rank i to i + 2^(k mod ceil(log2 n)), p offsets a step', () => {
    expect([1, 2, 3, 5, 8, 9, 1000].map(exponentialPeriod)).toEqual([0, 1, 2, 3, 3, 4, 10]);
    expect([0, 1, 2, 3].map((k) => pushPeers(6, 8, k, 1))).toEqual([
      { to: [7], from: [5] },
      { to: [0], from: [4] },
      { to: [2], from: [2] },
      { to: [7], from: [5] },
    ]);
    // n = 6: L = 3, offsets 1, 2, 4 (all below 6, none skipped).
    expect([0, 1, 2].map((k) => pushPeers(0, 6, k, 1).to)).toEqual([[1], [2], [4]]);
    // Two peers a step rotate through the offsets: (1, 2), (4, 1), (2, 4).
    expect([0, 1, 2].map((k) => pushPeers(3, 8, k, 2))).toEqual([
      { to: [4, 5], from: [2, 1] },
      { to: [7, 4], from: [7, 2] },
      { to: [5, 7], from: [1, 7] },
    ]);
    expect(pushPeers(0, 1, 5, 1)).toEqual({ to: [], from: [] });
  });

  it('refuses more peers a step than the graph has offsets, in one line', () => {
    expect(() => checkPeersPerStep(3, 4)).toThrow('strategy.peersPerStep = 3 is more than the 2 distinct peers of the exponential graph of 4 workers (ceil(log2 4))');
    expect(() => checkPeersPerStep(3, 5)).not.toThrow();
    expect(() => checkPeersPerStep(1, 1)).not.toThrow();
  });

  it('keeps the sum of the weights at n (and of the numerators) whatever the weights', () => {
    for (const [n, peersPerStep] of [
      [5, 1],
      [8, 1],
      [8, 3],
      [12, 2],
    ] as const) {
      // Uneven weights summing to n, as after a non-regular schedule.
      const weights = Array.from({ length: n }, (_, i) => 1 + 0.9 * Math.sin(2 * i + 1));
      const offset = (n - weights.reduce((a, b) => a + b, 0)) / n;
      let ys = weights.map((w, i) => vector([scripted(i, 0), scripted(i, 1)], w + offset));
      const sums = (of: (y: Float32Array) => number): number => ys.reduce((sum, y) => sum + of(y), 0);
      const startX = sums((y) => y[0]!);
      const startWeights = ys.map(weightOf);
      expect(sums(weightOf)).toBeCloseTo(n, 5);
      for (let block = 0; block < 10; block++) {
        ys = rounds(ys, 5 * block, 5, peersPerStep);
        expect(Math.abs(sums(weightOf) - n)).toBeLessThan(1e-5 * n);
        expect(Math.abs(sums((y) => y[0]!) - startX)).toBeLessThan(1e-5 * n);
        for (const y of ys) expect(weightOf(y)).toBeGreaterThan(0);
      }
      // The weights did move (mixing evens them out).
      expect(ys.map(weightOf)).not.toEqual(startWeights);
    }
  });

  it('keeps every weight exactly 1 from w = 1 (the schedule is doubly stochastic), for every allowed peers a step', () => {
    for (const n of [2, 3, 5, 8, 12, 600]) {
      for (let peersPerStep = 1; peersPerStep <= exponentialPeriod(n); peersPerStep++) {
        const ys = rounds(Array.from({ length: n }, () => vector([], 1)), 0, 2 * exponentialPeriod(n) + 1, peersPerStep);
        for (const y of ys) expect(weightOf(y)).toBe(1);
      }
    }
  });

  it('with no gradient steps, takes every z_i to the average of the starting models at the derived rate', () => {
    // One period of L = ceil(log2 n) one-peer steps multiplies by prod_e (I + S^(2^e)) / 2 = 2^-L sum_{m < 2^L} S^m
    // (S the cyclic shift, S^n = I). As n > 2^(L-1), that is (n / 2^L) J + 2^-L sum_{m < r} S^m with
    // r = 2^L - n and J the averaging matrix: on the deviations from the mean (which J sends to 0) it
    // has norm at most rho = r / 2^L = 1 - n / 2^L. So after t periods ||z - mean||_2 <= rho^t ||z_0 - mean||_2
    // (per coordinate, over the ranks), and a power of two (rho = 0) is exact after one period.
    for (const n of [5, 6, 7, 8, 16]) {
      const period = exponentialPeriod(n);
      const rho = 1 - n / 2 ** period;
      const length = 4;
      let ys = Array.from({ length: n }, (_, i) => vector(Array.from({ length }, (_, e) => scripted(i, e)), 1));
      const mean = Array.from({ length }, (_, e) => ys.reduce((sum, y) => sum + y[e]!, 0) / n);
      const deviation = (e: number): number => Math.sqrt(ys.reduce((sum, y) => sum + (debiased(y)[e]! - mean[e]!) ** 2, 0));
      const start = Array.from({ length }, (_, e) => deviation(e));
      for (let t = 1; t <= 6; t++) {
        ys = rounds(ys, (t - 1) * period, period);
        for (let e = 0; e < length; e++) expect(deviation(e)).toBeLessThanOrEqual(rho ** t * start[e]! + 1e-5);
      }
      if (rho > 0) {
        // The bound is not loose by much: one step short of a period the models still differ.
        const short = rounds(Array.from({ length: n }, (_, i) => vector([scripted(i, 0)], 1)), 0, period - 1);
        expect(new Set(short.map((y) => y[0])).size).toBeGreaterThan(1);
      }
    }
  });

  it('de-biases uneven weights: z_i tends to sum x / sum w, not to the mean of the z_i', () => {
    // x_t = M x_0 and w_t = M w_0 approach their means at rate rho per period (as above), so with
    // x_i = xbar + ex_i and w_i = wbar + ew_i: |z_i - xbar / wbar| <= (|ex_i| + |xbar / wbar| |ew_i|) / (wbar - |ew_i|).
    const n = 6;
    const rho = 1 - n / 8;
    const ws = [0.2, 1.8, 0.6, 1.4, 1.5, 0.5];
    let ys = ws.map((w, i) => vector([scripted(i, 0)], w));
    const norm = (values: number[]): number => Math.sqrt(values.reduce((sum, v) => sum + v * v, 0));
    const xbar = ys.reduce((sum, y) => sum + y[0]!, 0) / n;
    const target = xbar; // wbar = 1
    const ex0 = norm(ys.map((y) => y[0]! - xbar));
    const ew0 = norm(ws.map((w) => w - 1));
    const plainMean = ys.reduce((sum, y) => sum + debiased(y)[0]!, 0) / n;
    expect(Math.abs(plainMean - target)).toBeGreaterThan(0.1);
    for (let t = 1; t <= 8; t++) {
      ys = rounds(ys, (t - 1) * 3, 3);
      const smallestWeight = 1 - rho ** t * ew0;
      expect(smallestWeight).toBeGreaterThan(0);
      const bound = (rho ** t * (ex0 + Math.abs(target) * ew0)) / smallestWeight;
      for (const y of ys) expect(Math.abs(debiased(y)[0]! - target)).toBeLessThanOrEqual(bound + 1e-5);
    }
  });
});
