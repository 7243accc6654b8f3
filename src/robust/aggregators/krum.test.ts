/** Krum and Multi-Krum on hand-computed inputs: scores, the choice, both neighbour counts, n-f checks. */
import { describe, expect, it } from 'vitest';
import { krum, krumScores, multiKrum, pairwiseSquaredDistances } from '../index.js';

// Five points on a line: 0, 1, 2, 3 and an outlier at 100 (n = 5, f = 1; n - f - 2 = 2 neighbours).
const line = [0, 1, 2, 3, 100].map((x) => Float32Array.of(x));

describe('krum', () => {
  it('scores each input by its n-f-2 nearest squared distances', () => {
    // 0: 1+4; 1: 1+1; 2: 1+1; 3: 1+4; 100: 97^2+98^2
    expect(Array.from(krumScores(line, 1, 'n-f-2'))).toEqual([5, 2, 2, 5, 97 ** 2 + 98 ** 2]);
    // n-f-1 = 3 neighbours: 0: 1+4+9; 1: 1+1+4; 2: 1+1+4; 3: 1+4+9
    expect(Array.from(krumScores(line, 1, 'n-f-1')).slice(0, 4)).toEqual([14, 6, 6, 14]);
  });
  it('returns the lowest-scored input (ties to the lower index)', () => {
    const out = new Float32Array(1);
    krum(1).aggregate(line, out);
    expect(out[0]).toBe(1);
  });
  it('refuses n <= 2f + 2', () => {
    expect(() => krum(2).aggregate(line, new Float32Array(1))).toThrow('krum needs n > 2f + 2; got n = 5, f = 2');
  });
  it('treats a NaN input as infinitely far', () => {
    const d = pairwiseSquaredDistances([Float32Array.of(NaN), Float32Array.of(1)]);
    expect(d[1]).toBe(Infinity);
    const out = new Float32Array(1);
    krum(1).aggregate([...line.slice(0, 4), Float32Array.of(NaN)], out);
    expect(out[0]).toBe(1);
  });
});

describe('multi-krum', () => {
  it('averages the m = n - f best-scored inputs by default', () => {
    const out = new Float32Array(1);
    multiKrum(1).aggregate(line, out);
    expect(out[0]).toBe(1.5); // 0, 1, 2, 3
    multiKrum(1, { m: 2 }).aggregate(line, out);
    expect(out[0]).toBe(1.5); // 1, 2
    multiKrum(1, { m: 3 }).aggregate(line, out);
    expect(out[0]).toBe(1); // 1, 2, 0
  });
  it('refuses an m outside 1..n', () => {
    expect(() => multiKrum(1, { m: 6 }).aggregate(line, new Float32Array(1))).toThrow('multi-krum: m must be an integer in 1..n = 5; got 6');
  });
});
