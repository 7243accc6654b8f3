import { describe, expect, it } from 'vitest';
import { checkMixingMatrix, metropolisHastings, peersOf } from './mixing.js';
import { neighbours, TOPOLOGIES } from './topology.js';

describe('mixing matrices', () => {
  it('weighs an edge 1 / (1 + the larger degree), the rest on the diagonal', () => {
    // A star around rank 1: degrees 1, 3, 1, 1.
    expect(metropolisHastings([[1], [0, 2, 3], [1], [1]])).toEqual([
      [0.75, 0.25, 0, 0],
      [0.25, 0.25, 0.25, 0.25],
      [0, 0.25, 0.75, 0],
      [0, 0.25, 0, 0.75],
    ]);
    // A path 0 - 1 - 2 - 3: degrees 1, 2, 2, 1.
    const path = metropolisHastings([[1], [0, 2], [1, 3], [2]]);
    const third = 1 / 3;
    [
      [2 * third, third, 0, 0],
      [third, third, third, 0],
      [0, third, third, third],
      [0, 0, third, 2 * third],
    ].forEach((row, i) => row.forEach((w, j) => expect(path[i]![j]).toBeCloseTo(w, 15)));
  });

  it('is 1/n everywhere on the complete graph', () => {
    expect(metropolisHastings(neighbours('complete', 4))).toEqual(Array.from({ length: 4 }, () => [0.25, 0.25, 0.25, 0.25]));
  });

  it('is symmetric and doubly stochastic on every topology', () => {
    for (const topology of TOPOLOGIES) {
      for (const n of [4, 6, 8, 12]) {
        const w = metropolisHastings(neighbours(topology, n));
        expect(() => checkMixingMatrix(w, n)).not.toThrow();
        w.forEach((row, i) => row.forEach((value, j) => expect(value).toBe(w[j]![i])));
      }
    }
  });

  it('refuses a matrix that is not doubly stochastic, naming the first bad row or column and its sum', () => {
    expect(() => checkMixingMatrix([[0.5, 0.5], [0.5, 0.4]], 2)).toThrow('strategy.mixing: row 1 sums to 0.9, not 1 (a mixing matrix must be doubly stochastic)');
    // Rows all sum to 1; columns 2 and 3 do not.
    const columns = [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 0.5, 0.5],
      [0, 0, 0.25, 0.75],
    ];
    expect(() => checkMixingMatrix(columns, 4)).toThrow('strategy.mixing: column 2 sums to 0.75, not 1 (a mixing matrix must be doubly stochastic)');
    // Within the tolerance of 1e-6.
    expect(() => checkMixingMatrix([[0.5 + 4e-7, 0.5 - 4e-7], [0.5 - 4e-7, 0.5 + 4e-7]], 2)).not.toThrow();
    expect(() => checkMixingMatrix([[0.5 + 4e-6, 0.5], [0.5 - 4e-6, 0.5]], 2)).toThrow('strategy.mixing: row 0 sums to 1.000004, not 1');
  });

  it('refuses a matrix of the wrong shape or with a negative entry', () => {
    const identity = (n: number) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
    expect(() => checkMixingMatrix(identity(3), 4)).toThrow('strategy.mixing is 3 x 3, but distributed.workers = 4 needs 4 x 4');
    expect(() => checkMixingMatrix([[1, 0], [0, 1, 0]], 2)).toThrow('strategy.mixing must be square: it has 2 rows, but row 1 has 3 entries');
    expect(() => checkMixingMatrix([[1.5, -0.5], [-0.5, 1.5]], 2)).toThrow('strategy.mixing[0][1] = -0.5: a mixing matrix\'s entries must be finite and >= 0');
  });

  it('takes a given matrix\'s graph from its nonzero entries, directed where it is', () => {
    // Doubly stochastic but not symmetric: rank i mixes in rank i + 1.
    const w = [
      [0.5, 0.5, 0],
      [0, 0.5, 0.5],
      [0.5, 0, 0.5],
    ];
    expect(peersOf(w, 0)).toEqual({ from: [1], to: [2] });
    expect(peersOf(w, 1)).toEqual({ from: [2], to: [0] });
    expect(peersOf(metropolisHastings(neighbours('ring', 4)), 0)).toEqual({ from: [1, 3], to: [1, 3] });
  });
});
