/** Static clipping, NNM, bucketing, ARC and their composition with a rule, on hand-computed inputs. */
import { describe, expect, it } from 'vitest';
import { arc, average, bucketing, composeRule, nnm, staticClipping, trimmedMean } from '../index.js';
import { scalars, vectors } from '../aggregators/test-support/helpers.js';

const values = (vs: Float32Array[]): number[][] => vs.map((v) => Array.from(v));

describe('static clipping', () => {
  it('scales inputs above the bound to it, leaves the rest, zeroes NaN', () => {
    const out = staticClipping(1).apply(vectors([3, 4], [0.3, 0.4], [NaN, 1]));
    expect(out[0]![0]).toBeCloseTo(0.6, 6);
    expect(out[0]![1]).toBeCloseTo(0.8, 6);
    expect(values(out.slice(1))).toEqual([[Math.fround(0.3), Math.fround(0.4)], [0, 0]]);
    expect(() => staticClipping(0)).toThrow('static-clipping: the norm bound must be a positive number; got 0');
  });
});

describe('nearest-neighbour mixing', () => {
  it('replaces each input by the mean of its n - f nearest, itself included', () => {
    const out = values(nnm(1).apply(scalars(0, 1, 2, 10)));
    expect(out.slice(0, 3)).toEqual([[1], [1], [1]]);
    expect(out[3]![0]).toBeCloseTo(13 / 3, 6);
  });
  it('does not modify its inputs', () => {
    const inputs = scalars(0, 1, 2, 10);
    nnm(1).apply(inputs);
    expect(values(inputs)).toEqual([[0], [1], [2], [10]]);
  });
});

describe('bucketing', () => {
  it('averages shuffled buckets of s: n inputs become ceil(n / s), the total preserved', () => {
    const inputs = scalars(1, 2, 4, 8, 16);
    const out = bucketing(2, { seed: 3 }).apply(inputs);
    expect(out).toHaveLength(3);
    const total = out.reduce((sum, v, i) => sum + v[0]! * (i < 2 ? 2 : 1), 0);
    expect(total).toBe(31);
    expect(values(bucketing(5).apply(inputs))).toEqual([[31 / 5].map(Math.fround)]);
  });
  it('is seeded: the same seed gives the same buckets', () => {
    const inputs = scalars(1, 2, 4, 8, 16, 32);
    expect(values(bucketing(2, { seed: 9 }).apply(inputs))).toEqual(values(bucketing(2, { seed: 9 }).apply(inputs)));
    expect(() => bucketing(0)).toThrow('bucketing: the bucket size must be a positive integer; got 0');
  });
});

describe('adaptive robust clipping', () => {
  it('clips the k = floor(2 (f/n) (n - f)) largest to the next largest norm', () => {
    const inputs = scalars(1, -2, 3, 100, 0.5);
    expect(values(arc(1).apply(inputs))).toEqual([[1], [-2], [3], [3], [0.5]]); // k = 1
    expect(values(arc(2).apply(inputs))).toEqual([[1], [-2], [2], [2], [0.5]]); // k = 2
    expect(values(arc(0).apply(inputs))).toEqual([[1], [-2], [3], [100], [0.5]]); // k = 0
  });
});

describe('composeRule', () => {
  it('applies the pre-aggregators in order, then the rule, and names the chain', () => {
    const rule = composeRule([staticClipping(1)], average());
    expect(rule.name).toBe('static-clipping+average');
    const out = new Float32Array(2);
    rule.aggregate(vectors([3, 4], [0, 0.5]), out);
    expect(out[0]).toBeCloseTo(0.3, 6);
    expect(out[1]).toBeCloseTo(0.65, 6);
    const chained = composeRule([nnm(1), arc(1)], trimmedMean(1));
    expect(chained.name).toBe('nnm+arc+trimmed-mean');
    chained.aggregate(scalars(0, 1, 2, 1e6, 1.5), out.subarray(0, 1));
    expect(out[0]).toBeGreaterThanOrEqual(0);
    expect(out[0]).toBeLessThanOrEqual(2);
  });
});
