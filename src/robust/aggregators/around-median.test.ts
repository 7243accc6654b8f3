/** Meamed, Bulyan, centered clipping and sign majority on hand-computed inputs. */
import { describe, expect, it } from 'vitest';
import { bulyan, bulyanSelection, centeredClipping, meamed, signMajority } from '../index.js';
import { aggregateOnce as run, scalars } from './test-support/helpers.js';

describe('meamed', () => {
  it('averages the n - f values closest to the median (ties to the lower value)', () => {
    expect(run(meamed(1), scalars(0, 1, 2, 3, 100))).toEqual([1.5]); // 2, 1, 3, 0
    expect(run(meamed(1), scalars(10, 1, 4, 2))[0]).toBeCloseTo(7 / 3, 6); // median 3: 2, 4, 1
  });
  it('refuses n <= 2f', () => {
    expect(() => run(meamed(2), scalars(1, 2, 3, 4))).toThrow('meamed needs n > 2f; got n = 4, f = 2');
  });
});

describe('bulyan', () => {
  // n = 7, f = 1: theta = 5 chosen by iterated Krum, beta = 3 averaged around the median.
  const inputs = scalars(0, 1, 2, 3, 4, 5, 100);
  it('selects theta = n - 2f inputs by iterated Krum', () => {
    // round scores (k = 4, 3, 2, 1, 0 nearest): 2 (10, tie with 3), 3 (9), 1 (10, tie with 4), 4 (1, tie with 5), 0 (k = 0)
    expect(bulyanSelection(inputs, 1, 5)).toEqual([2, 3, 1, 4, 0]);
  });
  it('averages the beta = theta - 2f selected values closest to their median', () => {
    expect(run(bulyan(1), inputs)).toEqual([2]); // selected 0..4, median 2: 2, 1, 3
  });
  it('refuses n < 4f + 3', () => {
    expect(() => run(bulyan(2), inputs)).toThrow('bulyan needs n >= 4f + 3; got n = 7, f = 2');
  });
});

describe('centered clipping', () => {
  it('moves from the previous aggregate by the mean of the clipped differences', () => {
    const rule = centeredClipping(1, { tau: 10 });
    const inputs = scalars(1, 2, 100);
    expect(run(rule, inputs)[0]).toBeCloseTo(13 / 3, 5); // from 0: (1 + 2 + 10) / 3
    expect(run(rule, inputs)[0]).toBeCloseTo(52 / 9, 5); // from 13/3: (-10/3 - 7/3 + 10) / 3 added
    rule.reset();
    expect(run(rule, inputs)[0]).toBeCloseTo(13 / 3, 5);
  });
  it('clips by the Euclidean norm of the difference', () => {
    const out = run(centeredClipping(0, { tau: 1 }), [Float32Array.of(3, 4)]);
    expect(out[0]).toBeCloseTo(0.6, 6);
    expect(out[1]).toBeCloseTo(0.8, 6);
  });
  it('ignores a NaN input and refuses a bad tau', () => {
    expect(run(centeredClipping(1, { tau: 10 }), scalars(1, 2, NaN))[0]).toBeCloseTo(1, 6);
    expect(() => centeredClipping(1, { tau: 0 })).toThrow('centered-clipping: tau must be a positive number; got 0');
  });
});

describe('sign majority', () => {
  it('is the sign of the sum of signs per coordinate; NaN votes 0', () => {
    const inputs = [Float32Array.of(1, -2, 0, 3), Float32Array.of(2, -1, 0, -3), Float32Array.of(-5, 4, 0, NaN)];
    expect(run(signMajority(1), inputs)).toEqual([1, -1, 0, 0]);
  });
  it('refuses n <= 2f', () => {
    expect(() => run(signMajority(1), scalars(1, 2))).toThrow('sign-majority needs n > 2f; got n = 2, f = 1');
  });
});
