/** DnC on hand-computed inputs: the outlier along the top singular direction is removed. */
import { describe, expect, it } from 'vitest';
import { dnc } from '../index.js';
import { aggregateOnce, scalars, vectors } from './test-support/helpers.js';

describe('dnc', () => {
  it('in one dimension removes the f values farthest from the mean', () => {
    expect(aggregateOnce(dnc(1), scalars(0, 1, 2, 100))).toEqual([1]);
    expect(aggregateOnce(dnc(1, { filterFraction: 2 }), scalars(0, 1, 2, 100, 3))).toEqual([2]); // mean 21.2: 100 and 0 go
  });
  it('removes the input that lies along the top singular direction', () => {
    const out = aggregateOnce(dnc(1), vectors([1, 1], [1.1, 0.9], [0.9, 1.1], [1, 1], [10, -10]));
    expect(out[0]).toBeCloseTo(1, 6);
    expect(out[1]).toBeCloseTo(1, 6);
  });
  it('with f = 0 is the average, and refuses n <= 2f', () => {
    expect(aggregateOnce(dnc(0), scalars(1, 2, 6))).toEqual([3]);
    expect(() => aggregateOnce(dnc(2), scalars(1, 2, 3, 4))).toThrow('dnc needs n > 2f; got n = 4, f = 2');
  });
  it('keeps several iterations and a sub-dimension within bounds', () => {
    const honest = Array.from({ length: 8 }, (_, i) => Float32Array.from({ length: 50 }, (_, j) => Math.sin(i + j) * 0.1));
    const byzantine = [new Float32Array(50).fill(5), new Float32Array(50).fill(-5)];
    const out = aggregateOnce(dnc(2, { iterations: 3, subDimension: 10, seed: 4 }), [...honest, ...byzantine]);
    for (const x of out) expect(Math.abs(x)).toBeLessThan(0.1);
  });
});
