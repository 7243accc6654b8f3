/** The attacks that search their strength (optimal IPM/ALIE, MinMax/MinSum) and label flipping, on hand-worked inputs. */
import { describe, expect, it } from 'vitest';
import { defineRule, HONEST_MAJORITY } from '../aggregator.js';
import { average, labelFlipping, lineSearchOf, minMax, minSum, optimalAlie, optimalIpm, strongestFactor } from '../index.js';
import { scalars } from '../aggregators/test-support/helpers.js';

describe('the line search of the optimal attacks', () => {
  it('runs away against the average: 20 evaluations from 0 by steps of 10 reach 190', () => {
    // honest [1, 2, 3] (mean 2), forged -2e: average (6 - 2e)/4 is |1 + e|/2 from the mean, growing in e.
    const [forged] = optimalIpm(average()).forge(scalars(1, 2, 3), 1);
    expect(forged![0]).toBe(-380);
    // ALIE on [1, 3]: mean 2, unbiased std sqrt(2); the same climb ends at z = 190.
    const [alieForged] = optimalAlie(average()).forge(scalars(1, 3), 1);
    expect(alieForged![0]).toBeCloseTo(2 - 190 * Math.SQRT2, 3);
  });
  it('reverses and shrinks its step to climb to a peak inside the range', () => {
    // A rule that passes the last input through while |x| <= 5 and answers 0 beyond: against the
    // honest mean 1 and forged -e, the damage (x - 1)^2 peaks at e = 5. Hand trace: 0, 10 (no),
    // -8 (no), 6.4 (no), -5.12 (no), 4.096 (kept), then ever smaller steps around it.
    const passLast = defineRule('pass-last', 0, HONEST_MAJORITY, (inputs, out) => {
      const x = inputs[inputs.length - 1]![0]!;
      out[0] = Math.abs(x) <= 5 ? x : 0;
    });
    const strength = strongestFactor((e) => Float32Array.of(-e), scalars(1), 1, passLast, lineSearchOf('test'));
    expect(strength).toBeGreaterThan(4.5);
    expect(strength).toBeLessThanOrEqual(5);
  });
  it('refuses bad search options naming the value', () => {
    expect(() => optimalIpm(average(), { evaluations: 0 })).toThrow('optimal-ipm: evaluations must be a positive integer; got 0');
    expect(() => optimalAlie(average(), { ratio: 1 })).toThrow('optimal-alie: ratio must be in (0, 1); got 1');
  });
});

describe('MinMax and MinSum', () => {
  it('find the largest gamma keeping the forged vector within the honest spread', () => {
    // honest [0, 0, 3]: mean 1, unit direction 1, forged m = 1 - gamma.
    // MinMax: max (m - x)^2 = (2 + gamma)^2 <= max pairwise 9  ->  gamma = 1, m = 0.
    // MinSum: 2(1 - gamma)^2 + (2 + gamma)^2 = 6 + 3 gamma^2 <= max row sum 18  ->  gamma = 2, m = -1.
    const honest = scalars(0, 0, 3);
    expect(minMax().forge(honest, 2).map((v) => v[0])).toEqual([expect.closeTo(0, 4), expect.closeTo(0, 4)]);
    expect(minSum().forge(honest, 1)[0]![0]).toBeCloseTo(-1, 4);
  });
  it('perturb along the std or the sign when asked', () => {
    // honest [[0, 1], [2, 1]]: mean [1, 1], std [sqrt 2, 0], pairwise max 4.
    // std: m = [1 - gamma sqrt2, 1], (1 + gamma sqrt2)^2 <= 4 -> gamma sqrt2 = 1 -> m = [0, 1].
    const honest = [Float32Array.of(0, 1), Float32Array.of(2, 1)];
    const [m] = minMax({ direction: 'std' }).forge(honest, 1);
    expect(m![0]).toBeCloseTo(0, 4);
    expect(m![1]).toBe(1);
    // sign: m = 1 - gamma on both; max dist^2 = (1 + gamma)^2 + gamma^2 <= 4 -> gamma = (sqrt 7 - 1)/2.
    const [s] = minMax({ direction: 'sign' }).forge(honest, 1);
    expect(s![0]).toBeCloseTo(1 - (Math.sqrt(7) - 1) / 2, 4);
    expect(() => minSum({ direction: 'up' as 'unit' })).toThrow('min-sum: direction must be unit, std or sign; got up');
  });
});

describe('label flipping', () => {
  it('relabels y as classes - 1 - y and sends its own gradients', () => {
    const attack = labelFlipping();
    expect(Array.from(attack.relabel!(Int32Array.of(0, 3, 9), 10))).toEqual([9, 6, 0]);
    expect(() => attack.relabel!(Int32Array.of(10), 10)).toThrow('label-flipping: label 10 is outside 0..9');
    const own = scalars(4, 5);
    expect(attack.forge(own, 2).map((v) => v[0])).toEqual([4, 5]);
    expect(() => attack.forge(scalars(1, 2, 3), 2)).toThrow("label-flipping: sends its 2 workers' own gradients; observed 3 (it cannot be omniscient)");
  });
});
