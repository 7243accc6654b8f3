/**
 * Cutting the ordered layer list into contiguous pipeline stages. A pipeline runs at the pace of
 * its slowest stage, so the cut minimises the largest stage's forward FLOPs (the classic linear
 * partition problem, solved exactly by dynamic programming), then, among cuts with that
 * bottleneck, the sum of squared stage FLOPs, so the other stages come out even too.
 */
import { LoomError, showValue } from '../util/index.js';
import type { LayerInfo } from './model.js';

export interface Stage {
  /** Layers [from, to) of the model. */
  readonly from: number;
  readonly to: number;
  readonly forwardFlops: number;
  readonly params: number;
  /** The stage's parameters in the flat buffer: [start, end). */
  readonly paramRange: readonly [number, number];
}

export function cutIntoStages(layers: readonly LayerInfo[], k: number): Stage[] {
  const n = layers.length;
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new LoomError(`cannot cut ${n} layers into ${showValue(k)} stages: need an integer in [1, ${n}]`);
  }
  const prefix = [0];
  for (const l of layers) prefix.push(prefix[prefix.length - 1] + l.forwardFlops);
  const cost = (a: number, b: number) => prefix[b] - prefix[a];

  // Pass 1: the smallest achievable bottleneck. best[j][i]: first i layers in j stages.
  const best = table(k + 1, n + 1, Infinity);
  best[0][0] = 0;
  for (let j = 1; j <= k; j++) {
    for (let i = j; i <= n; i++) {
      for (let c = j - 1; c < i; c++) best[j][i] = Math.min(best[j][i], Math.max(best[j - 1][c], cost(c, i)));
    }
  }
  const bottleneck = best[k][n];

  // Pass 2: least sum of squares with every stage within the bottleneck; remember the cuts.
  const squares = table(k + 1, n + 1, Infinity);
  const cut = table(k + 1, n + 1, -1);
  squares[0][0] = 0;
  for (let j = 1; j <= k; j++) {
    for (let i = j; i <= n; i++) {
      for (let c = j - 1; c < i; c++) {
        const s = cost(c, i);
        if (s > bottleneck || squares[j - 1][c] === Infinity) continue;
        const total = squares[j - 1][c] + s * s;
        if (total < squares[j][i]) {
          squares[j][i] = total;
          cut[j][i] = c;
        }
      }
    }
  }

  const stages: Stage[] = [];
  for (let j = k, to = n; j >= 1; j--) {
    const from = cut[j][to];
    const first = layers[from];
    const last = layers[to - 1];
    const params = layers.slice(from, to).reduce((sum, l) => sum + l.params, 0);
    stages.unshift({ from, to, forwardFlops: cost(from, to), params, paramRange: [first.paramRange[0], last.paramRange[1]] });
    to = from;
  }
  return stages;
}

function table(rows: number, cols: number, fill: number): number[][] {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(fill));
}
