/** Minimum-diameter averaging and MoNNA on hand-computed inputs. */
import { describe, expect, it } from 'vitest';
import { mda, minimumDiameterSubset, monna } from '../index.js';
import { scalars } from './test-support/helpers.js';

describe('minimum-diameter averaging', () => {
  it('averages the n - f inputs of smallest diameter', () => {
    // leave out one of 0, 4, 5, 6, 20: {4,5,6,20} has diameter 16, {0,4,5,6} diameter 6
    const inputs = scalars(0, 4, 5, 6, 20);
    expect(minimumDiameterSubset(inputs, 1)).toEqual([0, 1, 2, 3]);
    const out = new Float32Array(1);
    mda(1).aggregate(inputs, out);
    expect(out[0]).toBe(3.75);
    mda(2).aggregate(inputs, out);
    expect(out[0]).toBe(5); // {4, 5, 6}
  });
  it('refuses n <= 2f and too many subsets', () => {
    expect(() => mda(2).aggregate(scalars(1, 2, 3, 4), new Float32Array(1))).toThrow('mda needs n > 2f; got n = 4, f = 2');
    expect(() => mda(2, { maxSubsets: 5 }).aggregate(scalars(1, 2, 3, 4, 5), new Float32Array(1))).toThrow(
      'mda: C(n = 5, f = 2) = 10 subsets exceeds maxSubsets = 5',
    );
  });
});

describe('monna', () => {
  it('averages the n - f inputs nearest the pivot, the pivot included', () => {
    const inputs = scalars(1, 10, 2, 0, -50);
    const out = new Float32Array(1);
    monna(2).aggregate(inputs, out);
    expect(out[0]).toBe(1); // 1, 2, 0
    monna(2, { pivot: 1 }).aggregate(inputs, out);
    expect(out[0]).toBeCloseTo(13 / 3, 6); // 10, 2, 1
  });
  it('refuses a pivot outside the inputs', () => {
    expect(() => monna(1, { pivot: 3 }).aggregate(scalars(1, 2, 3), new Float32Array(1))).toThrow('monna: pivot 3 is not an input index (n = 3)');
  });
});
