import { describe, expect, it } from 'vitest';
import { neighbours, TOPOLOGIES, torusShape } from './topology.js';

describe('gossip topologies', () => {
  it('links a ring to i - 1 and i + 1', () => {
    expect(neighbours('ring', 5)).toEqual([[1, 4], [0, 2], [1, 3], [2, 4], [0, 3]]);
    expect(neighbours('ring', 2)).toEqual([[1], [0]]);
    expect(neighbours('ring', 1)).toEqual([[]]);
  });

  it('lays a torus out as r x c, r the largest divisor not above sqrt(n)', () => {
    expect(torusShape(16)).toEqual({ rows: 4, cols: 4 });
    expect(torusShape(12)).toEqual({ rows: 3, cols: 4 });
    expect(torusShape(8)).toEqual({ rows: 2, cols: 4 });
    // 4 x 4: rank 5 is (1, 1); up (0, 1) = 1, down (2, 1) = 9, left (1, 0) = 4, right (1, 2) = 6.
    expect(neighbours('torus', 16)[5]).toEqual([1, 4, 6, 9]);
    // Wrap-around: rank 0 of 4 x 4 reaches row 3 and column 3.
    expect(neighbours('torus', 16)[0]).toEqual([1, 3, 4, 12]);
    // 2 x 3: up and down are the same rank.
    expect(neighbours('torus', 6)).toEqual([[1, 2, 3], [0, 2, 4], [0, 1, 5], [0, 4, 5], [1, 3, 5], [2, 3, 4]]);
  });

  it('refuses a degenerate torus in one line', () => {
    for (const n of [2, 3, 7, 13]) {
      expect(() => neighbours('torus', n)).toThrow(`strategy.topology = "torus" needs workers that factor as r x c with r, c >= 2, but ${n} is 1 x ${n} (use ring)`);
    }
  });

  it('links i to i +- 2^k mod n in the exponential graph', () => {
    expect(neighbours('exponential', 8)[0]).toEqual([1, 2, 4, 6, 7]);
    expect(neighbours('exponential', 8)[3]).toEqual([1, 2, 4, 5, 7]);
    // Hops 1, 2, 4, 8 of 10 ranks: +-8 reaches 2 and 8, already linked by +-2.
    expect(neighbours('exponential', 10)[0]).toEqual([1, 2, 4, 6, 8, 9]);
    expect(neighbours('exponential', 5)).toEqual(neighbours('complete', 5));
  });

  it('links every pair in the complete graph', () => {
    expect(neighbours('complete', 3)).toEqual([[1, 2], [0, 2], [0, 1]]);
  });

  it('gives undirected graphs without self-loops', () => {
    for (const topology of TOPOLOGIES) {
      for (const n of [1, 2, 4, 6, 8, 9, 12, 16, 20]) {
        if (topology === 'torus' && n < 4) continue;
        const graph = neighbours(topology, n);
        graph.forEach((mine, i) => {
          expect(mine).not.toContain(i);
          for (const j of mine) expect(graph[j]).toContain(i);
        });
      }
    }
  });
});
