import { describe, expect, it } from 'vitest';
import { benchmarkFunction, braninValue, countingOnes, hartmann6Value, rosenbrockValue } from './index.js';

describe('benchmark functions', () => {
  it('Branin has its three minima of 0.397887', () => {
    for (const [x1, x2] of [[-Math.PI, 12.275], [Math.PI, 2.275], [9.42478, 2.475]]) expect(braninValue(x1, x2)).toBeCloseTo(0.397887, 5);
    expect(braninValue(0, 0)).toBeCloseTo(55.6021, 3);
  });

  it('Hartmann6 reaches -3.32237 at its argmin', () => {
    expect(hartmann6Value([0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573])).toBeCloseTo(-3.32237, 4);
    expect(hartmann6Value([0.5, 0.5, 0.5, 0.5, 0.5, 0.5])).toBeGreaterThan(-3.32237);
  });

  it('Rosenbrock is 0 at ones and its terms add up by hand elsewhere', () => {
    expect(rosenbrockValue([1, 1, 1, 1])).toBe(0);
    expect(rosenbrockValue([0, 1, 0, 0])).toBe(101 + 100 + 1); // terms i = 0, 1, 2 by hand
  });

  it('counting ones: exact at x in {0, 1}, a budget-sized estimate in between', () => {
    const f = countingOnes(4);
    const ones = Object.fromEntries(Object.keys(f.space).map((k) => [k, 1]));
    expect(f.evaluate(ones, 3)).toBe(-8);
    const half = { ...ones, x0: 0.5 };
    expect(f.evaluate(half, 1) === -7 || f.evaluate(half, 1) === -8).toBe(true);
    expect(Math.abs(f.evaluate(half, 10_000) + 7.5)).toBeLessThan(0.02);
  });

  it('refuses an unknown function, listing the valid ones', () => {
    expect(() => benchmarkFunction('ackley')).toThrow('objective.name: unknown function "ackley" (valid: branin, hartmann6, rosenbrock, counting-ones)');
  });
});
