/** fANOVA on a tree decomposed by hand, and on functions whose main effects are known. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { decomposeTree, fanova } from './fanova.js';
import type { RegressionTree } from './forest.js';

const UNIT2 = [[0, 1], [0, 1]] as const;

describe('tree decomposition', () => {
  it('matches the variances worked out by hand', () => {
    // x0 <= 0.5 -> 0; else y1 <= 0.5 -> 0, else 4. Leaves: 0 on half the square, 0 and 4 on quarters.
    // Mean 1; total variance 0.5·1 + 0.25·1 + 0.25·9 = 3. Marginal of x0: 0 | 2, variance 1;
    // marginal of x1: 0 | 2 (average over x0 of 0 and 0, of 0 and 4), variance 1; the rest (1) is the interaction.
    const tree: RegressionTree = {
      feature: [0, -1, 1, -1, -1],
      threshold: [0.5, Number.NaN, 0.5, Number.NaN, Number.NaN],
      left: [1, -1, 3, -1, -1],
      right: [2, -1, 4, -1, -1],
      value: [9, 0, 9, 0, 4], // inner values are not used: means come from the leaves by volume
    };
    const { total, main } = decomposeTree(tree, UNIT2);
    expect(total).toBeCloseTo(3, 12);
    expect(main[0]).toBeCloseTo(1, 12);
    expect(main[1]).toBeCloseTo(1, 12);
  });

  it('weights pieces by their width within the bounds', () => {
    // One split at 0.25 over [0, 2]: 1 on an eighth, 3 on the rest. Mean 2.75, variance (1/8)(7/8)(2)^2.
    const tree: RegressionTree = { feature: [0, -1, -1], threshold: [0.25, Number.NaN, Number.NaN], left: [1, -1, -1], right: [2, -1, -1], value: [0, 1, 3] };
    const { total, main } = decomposeTree(tree, [[0, 2], [5, 6]]);
    expect(total).toBeCloseTo((1 / 8) * (7 / 8) * 4, 12);
    expect(main).toEqual([expect.closeTo(total, 12), 0]);
  });
});

function uniformPoints(n: number, d: number, seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.next()));
}

describe('fANOVA', () => {
  const bounds3 = [[0, 1], [0, 1], [0, 1]] as const;

  it('ranks f = 10x + 0.1y (z unused): x far above y and z, z about 0', () => {
    const x = uniformPoints(300, 3, 1);
    const result = fanova(x, x.map(([a, b]) => 10 * a! + 0.1 * b!), bounds3, { seed: 2 })!;
    const [ix, iy, iz] = result.importances;
    expect(ix).toBeGreaterThan(0.98);
    expect(ix).toBeGreaterThan(100 * iy!);
    expect(iz).toBeLessThan(1e-3);
    expect(result.importances.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('explains an additive function almost entirely by main effects, and an interaction not at all', () => {
    const x = uniformPoints(400, 3, 3);
    const additive = fanova(x, x.map(([a, b, c]) => Math.sin(4 * a!) + 2 * b! * b! + c!), bounds3, { seed: 4 })!;
    const sum = additive.fractions.reduce((a, b) => a + b, 0);
    expect(sum).toBeGreaterThan(0.9);
    expect(sum).toBeLessThanOrEqual(1 + 1e-9);
    // (x - 1/2)(y - 1/2) has no main effect: every marginal is 0, all its variance is interaction.
    const product = fanova(x, x.map(([a, b]) => (a! - 0.5) * (b! - 0.5)), bounds3, { seed: 4 })!;
    expect(product.fractions.reduce((a, b) => a + b, 0)).toBeLessThan(0.3);
  });

  it('agrees with the exact shares of a known additive function', () => {
    // f = x + 2y on the unit cube: Var = 1/12 + 4/12, shares 0.2 and 0.8.
    const x = uniformPoints(500, 2, 5);
    const result = fanova(x, x.map(([a, b]) => a! + 2 * b!), UNIT2, { seed: 6 })!;
    expect(result.importances[0]).toBeCloseTo(0.2, 1);
    expect(result.importances[1]).toBeCloseTo(0.8, 1);
  });

  it('says nothing (null) about a constant objective', () => {
    const x = uniformPoints(20, 2, 7);
    expect(fanova(x, x.map(() => 3), UNIT2)).toBeNull();
  });
});
