/**
 * fANOVA: the share of a model's variance over the space that each feature's main effect explains.
 * F. Hutter, H. Hoos, K. Leyton-Brown, "An Efficient Approach for Assessing Hyperparameter
 * Importance", ICML 2014. A regression tree is piecewise constant on boxes, so its mean and
 * variance under the uniform measure on the space are sums over its leaves weighted by volume
 * (Theorem 2 of the paper), and the marginal of feature j — the prediction averaged over every
 * other feature — is constant between consecutive thresholds on j. The main-effect variance of j is
 * the variance of that marginal; its fraction of the tree's total variance is averaged over the
 * trees of a random forest (trees of zero variance skipped) and, as Optuna's
 * FanovaImportanceEvaluator does, the fractions are normalised to sum to 1.
 */
import { fitForest, type ForestOptions, type RegressionTree } from './forest.js';

export interface TreeDecomposition {
  /** The variance of the tree's prediction over the space. */
  readonly total: number;
  /** Per feature: the variance of its marginal (its main effect). */
  readonly main: readonly number[];
}

/** Each node's box (per feature [lo, hi]) and its volume-weighted mean prediction over that box. */
function nodeBoxesAndMeans(tree: RegressionTree, bounds: readonly (readonly [number, number])[]): { lo: number[][]; hi: number[][]; mean: number[] } {
  const n = tree.value.length;
  const lo: number[][] = new Array(n);
  const hi: number[][] = new Array(n);
  const mean: number[] = new Array(n).fill(0);
  lo[0] = bounds.map((b) => b[0]);
  hi[0] = bounds.map((b) => b[1]);
  // Children are created after their parent, so one forward pass sets every box.
  for (let i = 0; i < n; i++) {
    const f = tree.feature[i]!;
    if (f < 0) continue;
    const t = tree.threshold[i]!;
    const l = tree.left[i]!;
    const r = tree.right[i]!;
    lo[l] = [...lo[i]!];
    hi[l] = [...hi[i]!];
    hi[l]![f] = Math.min(t, hi[i]![f]!);
    lo[r] = [...lo[i]!];
    hi[r] = [...hi[i]!];
    lo[r]![f] = Math.max(t, lo[i]![f]!);
  }
  for (let i = n - 1; i >= 0; i--) {
    const f = tree.feature[i]!;
    if (f < 0) {
      mean[i] = tree.value[i]!;
      continue;
    }
    const share = leftShare(tree, i, lo, hi);
    mean[i] = share * mean[tree.left[i]!]! + (1 - share) * mean[tree.right[i]!]!;
  }
  return { lo, hi, mean };
}

/** The fraction of node i's box that lies in its left child. */
function leftShare(tree: RegressionTree, i: number, lo: readonly number[][], hi: readonly number[][]): number {
  const f = tree.feature[i]!;
  const width = hi[i]![f]! - lo[i]![f]!;
  if (!(width > 0)) return 0.5;
  return Math.min(1, Math.max(0, (tree.threshold[i]! - lo[i]![f]!) / width));
}

/**
 * The total variance of a tree and the variance of each feature's marginal, under the uniform
 * measure on `bounds` (one [lo, hi] per feature).
 */
export function decomposeTree(tree: RegressionTree, bounds: readonly (readonly [number, number])[]): TreeDecomposition {
  const d = bounds.length;
  const { lo, hi, mean } = nodeBoxesAndMeans(tree, bounds);
  const fullVolume = bounds.reduce((v, [a, b]) => v * (b - a), 1);
  const root = mean[0]!;
  let total = 0;
  for (let i = 0; i < tree.value.length; i++) {
    if (tree.feature[i]! >= 0) continue;
    let volume = 1;
    for (let j = 0; j < d; j++) volume *= hi[i]![j]! - lo[i]![j]!;
    total += (volume / fullVolume) * (tree.value[i]! - root) ** 2;
  }
  // Which features each subtree splits on: a subtree without a split on j has a flat j-marginal (its mean).
  const splitsOn: Set<number>[] = tree.value.map(() => new Set<number>());
  for (let i = tree.value.length - 1; i >= 0; i--) {
    const f = tree.feature[i]!;
    if (f < 0) continue;
    splitsOn[i]!.add(f);
    for (const g of splitsOn[tree.left[i]!]!) splitsOn[i]!.add(g);
    for (const g of splitsOn[tree.right[i]!]!) splitsOn[i]!.add(g);
  }
  const marginalAt = (j: number, v: number, i: number): number => {
    const f = tree.feature[i]!;
    if (f < 0 || !splitsOn[i]!.has(j)) return mean[i]!;
    if (f === j) return marginalAt(j, v, v <= tree.threshold[i]! ? tree.left[i]! : tree.right[i]!);
    const share = leftShare(tree, i, lo, hi);
    return share * marginalAt(j, v, tree.left[i]!) + (1 - share) * marginalAt(j, v, tree.right[i]!);
  };
  const main = bounds.map(([a, b], j) => {
    if (!splitsOn[0]!.has(j) || !(b > a)) return 0;
    const cuts = [...new Set(tree.feature.flatMap((f, i) => (f === j ? [tree.threshold[i]!] : [])))].filter((t) => t > a && t < b).sort((p, q) => p - q);
    const edges = [a, ...cuts, b];
    let sumW = 0;
    let sumWV = 0;
    const pieces: [number, number][] = [];
    for (let k = 0; k + 1 < edges.length; k++) {
      const w = edges[k + 1]! - edges[k]!;
      const value = marginalAt(j, (edges[k]! + edges[k + 1]!) / 2, 0);
      pieces.push([w, value]);
      sumW += w;
      sumWV += w * value;
    }
    const avg = sumWV / sumW;
    return Math.max(0, pieces.reduce((s, [w, value]) => s + w * (value - avg) ** 2, 0) / sumW);
  });
  return { total, main };
}

export interface FanovaResult {
  /** Per feature: its main-effect variance over the total, averaged over the trees (not normalised). */
  readonly fractions: readonly number[];
  /** The fractions normalised to sum to 1 (what Optuna reports as importance). */
  readonly importances: readonly number[];
  /** Trees with a positive variance (the others say nothing). */
  readonly trees: number;
}

/**
 * fANOVA importances of the features of x (rows of feature vectors, each feature within its
 * `bounds`) for the targets y; null when no tree varies (e.g. y constant).
 */
export function fanova(x: readonly (readonly number[])[], y: readonly number[], bounds: readonly (readonly [number, number])[], options: ForestOptions = {}): FanovaResult | null {
  const forest = fitForest(x, y, options);
  const sums = bounds.map(() => 0);
  let used = 0;
  for (const tree of forest) {
    const { total, main } = decomposeTree(tree, bounds);
    if (!(total > 0)) continue;
    used++;
    main.forEach((v, j) => (sums[j] += v / total));
  }
  if (used === 0) return null;
  const fractions = sums.map((s) => s / used);
  const sum = fractions.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return null;
  return { fractions, importances: fractions.map((f) => f / sum), trees: used };
}
