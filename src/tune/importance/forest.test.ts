/** The regression trees and the forest on data whose best splits are known by hand. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { fitForest, fitTree, predictForest, predictTree } from './forest.js';

describe('regression tree', () => {
  it('splits where the squared error drops most, halfway between the neighbouring values', () => {
    // y jumps between x0 = 0.3 and 0.5; x1 is noise-free but uninformative (alternating).
    const x = [[0.1, 0], [0.2, 1], [0.3, 0], [0.5, 1], [0.6, 0], [0.9, 1]];
    const y = [1, 1, 1, 5, 5, 5];
    const tree = fitTree(x, y, [0, 1, 2, 3, 4, 5], {}, new Rng(1));
    expect(tree.feature[0]).toBe(0);
    expect(tree.threshold[0]).toBeCloseTo(0.4, 12);
    expect(tree.value[0]).toBe(3);
    // Both children are pure: leaves.
    expect(tree.feature.length).toBe(3);
    expect(tree.value[tree.left[0]!]).toBe(1);
    expect(tree.value[tree.right[0]!]).toBe(5);
    expect(predictTree(tree, [0.35, 7])).toBe(1);
    expect(predictTree(tree, [0.45, 7])).toBe(5);
  });

  it('grows to pure leaves (min samples split 2) and stops at maxDepth', () => {
    const x = [[0], [1], [2], [3], [4], [5], [6], [7]];
    const y = [0, 1, 2, 3, 4, 5, 6, 7];
    const full = fitTree(x, y, [0, 1, 2, 3, 4, 5, 6, 7], {}, new Rng(1));
    expect(full.feature.filter((f) => f < 0)).toHaveLength(8);
    for (let i = 0; i < 8; i++) expect(predictTree(full, [i])).toBe(i);
    const stump = fitTree(x, y, [0, 1, 2, 3, 4, 5, 6, 7], { maxDepth: 1 }, new Rng(1));
    expect(stump.feature).toEqual([0, -1, -1]);
    expect(stump.threshold[0]).toBe(3.5); // the balanced split minimizes the squared error of a line
    expect([predictTree(stump, [0]), predictTree(stump, [7])]).toEqual([1.5, 5.5]);
  });

  it('draws only maxFeatures candidates per split', () => {
    // With one candidate per split, the root sometimes splits on the useless feature; with all, never.
    const rng = new Rng(3);
    const x = Array.from({ length: 60 }, () => [rng.next(), rng.next()]);
    const y = x.map(([a]) => (a! > 0.5 ? 1 : 0));
    const roots = (maxFeatures: number): number[] => fitForest(x, y, { trees: 40, maxFeatures, seed: 5 }).map((t) => t.feature[0]!);
    expect(roots(2).every((f) => f === 0)).toBe(true);
    expect(roots(1).filter((f) => f === 1).length).toBeGreaterThan(5);
  });
});

describe('random forest', () => {
  it('is seeded and predicts a smooth function closely', () => {
    const rng = new Rng(7);
    const x = Array.from({ length: 300 }, () => [rng.next(), rng.next()]);
    const f = ([a, b]: readonly number[]): number => Math.sin(3 * a!) + b! * b!;
    const forest = fitForest(x, x.map(f), { seed: 11 });
    expect(forest).toHaveLength(64);
    expect(fitForest(x, x.map(f), { seed: 11 })).toEqual(forest);
    expect(fitForest(x, x.map(f), { seed: 12 })).not.toEqual(forest);
    const test = Array.from({ length: 200 }, () => [rng.next(), rng.next()]);
    const rmse = Math.sqrt(test.reduce((s, p) => s + (predictForest(forest, p) - f(p)) ** 2, 0) / test.length);
    expect(rmse).toBeLessThan(0.06); // the function spans about 2
  });

  it('refuses mismatched or non-finite targets', () => {
    expect(() => fitForest([[0], [1]], [1])).toThrow(/as many targets as rows/);
    expect(() => fitForest([[0], [1]], [1, Number.NaN])).toThrow(/finite/);
  });
});
