/**
 * A random forest of regression trees (L. Breiman, "Random Forests", Machine Learning 45, 2001):
 * each tree is grown on a bootstrap sample of the rows, choosing every split as the one of least
 * squared error among a random subset of the features, down to pure leaves (or `maxDepth`, or
 * fewer than `minSamplesSplit` rows). The model fANOVA decomposes (fanova.ts). Defaults follow
 * Optuna's FanovaImportanceEvaluator (64 trees, depth 64, min samples split 2), whose forest
 * considers every feature at each split (scikit-learn's regression default) in a random order,
 * ties going to the feature drawn first.
 */
import { LoomError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';

/** A fitted tree in flat arrays; node 0 is the root, `feature[i] < 0` marks a leaf. */
export interface RegressionTree {
  readonly feature: readonly number[];
  /** Rows with x[feature] <= threshold go left. */
  readonly threshold: readonly number[];
  readonly left: readonly number[];
  readonly right: readonly number[];
  /** The mean target of the node's rows (the prediction at a leaf). */
  readonly value: readonly number[];
}

export interface ForestOptions {
  /** Default 64. */
  readonly trees?: number;
  /** Default 64. */
  readonly maxDepth?: number;
  /** A node with fewer rows is a leaf (default 2). */
  readonly minSamplesSplit?: number;
  /** Features drawn as split candidates at each node (default: all). */
  readonly maxFeatures?: number;
  /** Draw each tree's rows with replacement (default true). */
  readonly bootstrap?: boolean;
  readonly seed?: number;
}

interface Split {
  readonly feature: number;
  readonly threshold: number;
}

class TreeBuilder {
  readonly feature: number[] = [];
  readonly threshold: number[] = [];
  readonly left: number[] = [];
  readonly right: number[] = [];
  readonly value: number[] = [];

  constructor(
    private readonly x: readonly (readonly number[])[],
    private readonly y: readonly number[],
    private readonly maxDepth: number,
    private readonly minSamplesSplit: number,
    private readonly maxFeatures: number,
    private readonly rng: Rng,
  ) {}

  grow(rows: number[], depth: number): number {
    const node = this.value.length;
    let sum = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of rows) {
      const v = this.y[r]!;
      sum += v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.feature.push(-1);
    this.threshold.push(Number.NaN);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push(sum / rows.length);
    if (depth >= this.maxDepth || rows.length < this.minSamplesSplit || hi === lo) return node;
    const split = this.bestSplit(rows, sum);
    if (!split) return node;
    const goLeft = rows.filter((r) => this.x[r]![split.feature]! <= split.threshold);
    const goRight = rows.filter((r) => this.x[r]![split.feature]! > split.threshold);
    this.feature[node] = split.feature;
    this.threshold[node] = split.threshold;
    this.left[node] = this.grow(goLeft, depth + 1);
    this.right[node] = this.grow(goRight, depth + 1);
    return node;
  }

  /**
   * The split of largest squared-error reduction among up to maxFeatures non-constant features,
   * drawn in random order (a tie keeps the first found); null when every feature is constant here. Maximizing sumL²/nL + sumR²/nR is the same as minimizing the children's
   * squared error (the node's total is fixed). Thresholds lie halfway between neighbouring values.
   */
  private bestSplit(rows: readonly number[], sum: number): Split | null {
    const d = this.x[0]!.length;
    const order = Array.from({ length: d }, (_, j) => j);
    for (let i = d - 1; i > 0; i--) {
      const k = this.rng.int(i + 1);
      [order[i], order[k]] = [order[k]!, order[i]!];
    }
    const n = rows.length;
    let best: Split | null = null;
    let bestProxy = -Infinity;
    let visited = 0;
    for (const f of order) {
      if (visited >= this.maxFeatures) break;
      const sorted = [...rows].sort((a, b) => this.x[a]![f]! - this.x[b]![f]!);
      const first = this.x[sorted[0]!]![f]!;
      const last = this.x[sorted[n - 1]!]![f]!;
      if (first === last) continue; // constant here: not counted against maxFeatures
      visited++;
      let sumLeft = 0;
      for (let i = 0; i < n - 1; i++) {
        sumLeft += this.y[sorted[i]!]!;
        const here = this.x[sorted[i]!]![f]!;
        const next = this.x[sorted[i + 1]!]![f]!;
        if (next === here) continue;
        const nLeft = i + 1;
        const sumRight = sum - sumLeft;
        const proxy = (sumLeft * sumLeft) / nLeft + (sumRight * sumRight) / (n - nLeft);
        if (proxy > bestProxy) {
          bestProxy = proxy;
          let threshold = here + (next - here) / 2;
          if (threshold >= next) threshold = here; // halfway rounded up to the next value
          best = { feature: f, threshold };
        }
      }
    }
    return best;
  }
}

/** Grows one tree on `rows` of (x, y). */
export function fitTree(x: readonly (readonly number[])[], y: readonly number[], rows: number[], options: ForestOptions, rng: Rng): RegressionTree {
  const d = x[0]?.length ?? 0;
  const builder = new TreeBuilder(x, y, options.maxDepth ?? 64, options.minSamplesSplit ?? 2, Math.min(d, options.maxFeatures ?? d), rng);
  builder.grow(rows, 0);
  const { feature, threshold, left, right, value } = builder;
  return { feature, threshold, left, right, value };
}

/** A forest on rows x (one feature vector each) with targets y; seeded, so the same data give the same trees. */
export function fitForest(x: readonly (readonly number[])[], y: readonly number[], options: ForestOptions = {}): RegressionTree[] {
  if (x.length === 0 || x.length !== y.length) throw new LoomError(`random forest: needs as many targets as rows and at least one row; got ${x.length} rows, ${y.length} targets`);
  if (!y.every(Number.isFinite)) throw new LoomError('random forest: every target must be a finite number');
  const n = x.length;
  const trees = options.trees ?? 64;
  const forest: RegressionTree[] = [];
  for (let t = 0; t < trees; t++) {
    const rng = Rng.derive(options.seed ?? 0, t);
    const rows = options.bootstrap === false ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: n }, () => rng.int(n));
    forest.push(fitTree(x, y, rows, options, rng));
  }
  return forest;
}

export function predictTree(tree: RegressionTree, x: readonly number[]): number {
  let node = 0;
  while (tree.feature[node]! >= 0) node = x[tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  return tree.value[node]!;
}

export function predictForest(forest: readonly RegressionTree[], x: readonly number[]): number {
  return forest.reduce((s, tree) => s + predictTree(tree, x), 0) / forest.length;
}
