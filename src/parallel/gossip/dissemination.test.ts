import { describe, expect, it } from 'vitest';
import { checkDissemination, partnerOf } from './dissemination.js';

const ranks = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('the GossipGraD partner schedule', () => {
  it('pairs rank i with i XOR 2^(k mod log2 n): exact for n = 8', () => {
    const schedule = [0, 1, 2, 3].map((k) => ranks(8).map((i) => partnerOf(i, 8, k)));
    expect(schedule).toEqual([
      [1, 0, 3, 2, 5, 4, 7, 6],
      [2, 3, 0, 1, 6, 7, 4, 5],
      [4, 5, 6, 7, 0, 1, 2, 3],
      [1, 0, 3, 2, 5, 4, 7, 6],
    ]);
  });

  it('gives every rank exactly one partner, symmetrically, and covers every offset in log2 n steps', () => {
    for (const n of [2, 4, 8, 16, 64]) {
      const dimensions = Math.log2(n);
      for (let k = 0; k < 3 * dimensions; k++) {
        const partners = ranks(n).map((i) => partnerOf(i, n, k));
        expect(new Set(partners).size).toBe(n); // a permutation: nobody is anyone else's partner too
        partners.forEach((p, i) => {
          expect(p).not.toBe(i);
          expect(partners[p]).toBe(i);
        });
      }
      for (const i of ranks(n)) {
        // Over any log2 n consecutive steps rank i meets one partner along each dimension 2^e ...
        for (const from of [0, 1, dimensions - 1]) {
          const offsets = ranks(dimensions).map((s) => i ^ partnerOf(i, n, from + s));
          expect(offsets.sort((a, b) => a - b)).toEqual(ranks(dimensions).map((e) => 2 ** e));
        }
      }
      // ... so what any rank knows reaches every rank in log2 n steps.
      let knows = ranks(n).map((i) => new Set([i]));
      for (let k = 0; k < dimensions; k++) knows = knows.map((mine, i) => new Set([...mine, ...knows[partnerOf(i, n, k)]!]));
      for (const mine of knows) expect(mine.size).toBe(n);
    }
  });

  it('with nothing else changing, log2 n pairwise averages give every rank the exact mean', () => {
    const n = 8;
    let values = ranks(n).map((i) => [i * i, 10 - 3 * i]);
    const mean = [0, 1].map((e) => values.reduce((sum, v) => sum + v[e]!, 0) / n);
    for (let k = 0; k < 2; k++) values = values.map((mine, i) => mine.map((v, e) => (v + values[partnerOf(i, n, k)]![e]!) / 2));
    expect(values.some((v) => v[0] !== mean[0])).toBe(true);
    values = values.map((mine, i) => mine.map((v, e) => (v + values[partnerOf(i, n, 2)]![e]!) / 2));
    for (const v of values) expect(v).toEqual(mean);
  });

  it('refuses a number of workers that is not a power of two, in one line', () => {
    for (const n of [1, 2, 8, 256]) expect(() => checkDissemination(n)).not.toThrow();
    for (const n of [0, 3, 6, 12]) {
      expect(() => checkDissemination(n)).toThrow(`strategy gossipgrad pairs rank i with i XOR 2^k, so it needs a power-of-two number of workers, but distributed.workers = ${n}`);
    }
    expect(partnerOf(0, 1, 4)).toBe(0);
  });
});
