/**
 * Average, coordinate-wise median and trimmed mean on small hand-computed inputs, their
 * requirements on n and f, NaN and huge Byzantine inputs, and a length past one coordinate block.
 */
import { describe, expect, it } from 'vitest';
import { average, coordinateMedian, RobustRuleError, trimmedMean } from '../index.js';
import { aggregateOnce as run, vectors } from './test-support/helpers.js';

describe('average', () => {
  it('is the arithmetic mean per coordinate', () => {
    expect(run(average(), vectors([1, 2], [3, 6], [5, -2]))).toEqual([3, 2]);
  });
  it('is moved without bound by one input', () => {
    expect(run(average(), vectors([1], [1], [1e6]))[0]).toBeGreaterThan(3e5);
  });
});

describe('coordinate-wise median', () => {
  it('takes the middle value of an odd count per coordinate', () => {
    expect(run(coordinateMedian(1), vectors([1, 9, 0], [5, 2, 0], [3, 4, 7]))).toEqual([3, 4, 0]);
  });
  it('averages the two middle values of an even count by default, or takes the lower', () => {
    const inputs = vectors([1, 10], [4, 20], [2, 30], [100, 40]);
    expect(run(coordinateMedian(1), inputs)).toEqual([3, 25]);
    expect(run(coordinateMedian(1, { even: 'lower' }), inputs)).toEqual([2, 20]);
  });
  it('refuses f >= n/2 naming n, f and the rule', () => {
    expect(() => run(coordinateMedian(2), vectors([1], [2], [3], [4]))).toThrow('median needs n > 2f; got n = 4, f = 2');
    expect(() => run(coordinateMedian(2), vectors([1], [2], [3], [4]))).toThrow(RobustRuleError);
  });
  it('sorts NaN above everything, so f NaN inputs are outvoted', () => {
    expect(run(coordinateMedian(1), vectors([NaN, 1], [2, NaN], [3, 5]))).toEqual([3, 5]);
  });
});

describe('trimmed mean', () => {
  it('drops the f largest and f smallest values per coordinate', () => {
    // coordinate 0: 1 2 3 4 100 -> 2 3 4 -> 3; coordinate 1: -50 0 1 2 3 -> 0 1 2 -> 1
    expect(run(trimmedMean(1), vectors([1, 0], [100, 3], [3, -50], [2, 1], [4, 2]))).toEqual([3, 1]);
  });
  it('with f = 0 is the average', () => {
    expect(run(trimmedMean(0), vectors([1, 2], [3, 6], [5, -2]))).toEqual([3, 2]);
  });
  it('refuses 2f >= n', () => {
    expect(() => run(trimmedMean(2), vectors([1], [2], [3], [4]))).toThrow('trimmed-mean needs n > 2f; got n = 4, f = 2');
  });
});

describe('order-statistic rules against outliers', () => {
  it('stay inside the honest range with f < n/2 inputs of magnitude 1e6, over several coordinate blocks', () => {
    const d = 1000;
    const honest = Array.from({ length: 7 }, (_, i) => Float32Array.from({ length: d }, (_, j) => Math.sin(i * 7 + j)));
    const byzantine = Array.from({ length: 3 }, (_, i) => new Float32Array(d).fill(i % 2 === 0 ? 1e6 : -1e6));
    for (const rule of [coordinateMedian(3), trimmedMean(3)]) {
      const out = new Float32Array(d);
      rule.aggregate([...byzantine, ...honest], out);
      for (let j = 0; j < d; j++) {
        const column = honest.map((v) => v[j]!);
        expect(out[j]).toBeGreaterThanOrEqual(Math.min(...column));
        expect(out[j]).toBeLessThanOrEqual(Math.max(...column));
      }
    }
  });
  it('refuse inputs of different lengths and a bad f', () => {
    expect(() => run(coordinateMedian(0), [new Float32Array(2), new Float32Array(3)])).toThrow('median: input 1 has 3 values; the output has 2');
    expect(() => trimmedMean(-1)).toThrow('trimmed-mean: f must be a non-negative integer; got -1');
  });
});
