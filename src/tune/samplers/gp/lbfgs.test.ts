import { describe, expect, it } from 'vitest';
import { lbfgs } from './lbfgs.js';

describe('L-BFGS', () => {
  it('minimises the Rosenbrock function from the classic start', () => {
    const result = lbfgs(
      (x, g) => {
        g[0] = -2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] * x[0]);
        g[1] = 200 * (x[1] - x[0] * x[0]);
        return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] * x[0]) ** 2;
      },
      [-1.2, 1],
      { maxIterations: 200, relativeTolerance: 0 },
    );
    expect(result.x[0]).toBeCloseTo(1, 4);
    expect(result.x[1]).toBeCloseTo(1, 4);
    expect(result.value).toBeLessThan(1e-8);
  });

  it('treats a non-finite value as a failed step and backtracks', () => {
    // f = x⁴, undefined below −0.05: the first step from 0.9 (length 1) lands at −0.1.
    let infinite = 0;
    const result = lbfgs(
      (x, g) => {
        g[0] = 4 * x[0] ** 3;
        if (x[0] < -0.05) infinite++;
        return x[0] < -0.05 ? Infinity : x[0] ** 4;
      },
      [0.9],
    );
    expect(infinite).toBeGreaterThan(0);
    expect(Number.isFinite(result.value)).toBe(true);
    expect(Math.abs(result.x[0])).toBeLessThan(0.02);
  });
});
