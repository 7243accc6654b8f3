/**
 * Krum and Multi-Krum (Blanchard, El Mhamdi, Guerraoui, Stainer, "Machine Learning with
 * Adversaries: Byzantine Tolerant Gradient Descent", NeurIPS 2017). Each input is scored by the
 * sum of squared distances to its k nearest other inputs; Krum returns the input with the lowest
 * score, Multi-Krum the average of the m lowest-scored. Needs n > 2f + 2.
 *
 * The paper's k is n - f - 2; several implementations (ByzFL among them) use n - f - 1. Option
 * `neighbours` chooses; the default is the paper's `n-f-2`. Ties in score go to the lower index.
 */
import { z } from 'zod';
import { defineRule, RobustRuleError, type Aggregator } from '../aggregator.js';
import { oneOf, positiveInteger } from '../option-fields.js';
import { parseOptions } from '../options.js';
import { pairwiseSquaredDistances } from '../pairwise-distances.js';
import { averageChosen } from './chosen-average.js';

export const krumOptionsSchema = z.strictObject({
  /** How many nearest neighbours score an input: the paper's `n-f-2` (default) or `n-f-1`. */
  neighbours: oneOf(['n-f-2', 'n-f-1']).default('n-f-2'),
});

export const multiKrumOptionsSchema = krumOptionsSchema.extend({
  /** How many of the best-scored inputs to average (at most n, checked per call); default n - f. */
  m: positiveInteger.optional(),
});

export type KrumOptions = z.input<typeof krumOptionsSchema>;
export type MultiKrumOptions = z.input<typeof multiKrumOptionsSchema>;
type Neighbours = z.output<typeof krumOptionsSchema>['neighbours'];

/**
 * Krum scores within a subset: for each of `members` (indices into the n x n `distances`), the sum
 * of its k smallest squared distances to the other members (0 for k <= 0). Bulyan scores shrinking
 * subsets with it.
 */
export function krumScoresAmong(distances: Float64Array, n: number, members: readonly number[], k: number): Float64Array {
  const scores = new Float64Array(members.length);
  const row = new Float64Array(Math.max(0, members.length - 1));
  members.forEach((i, s) => {
    let t = 0;
    for (const j of members) if (j !== i) row[t++] = distances[i * n + j]!;
    row.sort();
    let score = 0;
    for (let q = 0; q < k; q++) score += row[q]!;
    scores[s] = score;
  });
  return scores;
}

/** Krum scores of every input (lower is more central). */
export function krumScores(inputs: readonly Float32Array[], f: number, neighbours: Neighbours): Float64Array {
  const n = inputs.length;
  const k = neighbours === 'n-f-2' ? n - f - 2 : n - f - 1;
  return krumScoresAmong(pairwiseSquaredDistances(inputs), n, Array.from(inputs.keys()), k);
}

/** Indices of inputs from the lowest score up (stable: ties keep index order). */
export function rankByScore(scores: Float64Array): number[] {
  return Array.from(scores.keys()).sort((a, b) => scores[a]! - scores[b]! || a - b);
}

/**
 * The shared rule: score, rank, average the `choose(n)` best. Krum is the m = 1 case (the average
 * of one float32 vector, accumulated in double, is that vector exactly).
 */
function krumFamily(rule: string, f: number, neighbours: Neighbours, choose: (n: number) => number): Aggregator {
  return defineRule(rule, f, { text: 'n > 2f + 2', holds: (n, f) => n > 2 * f + 2 }, (inputs, out, n) => {
    const m = choose(n);
    if (!Number.isInteger(m) || m < 1 || m > n) throw new RobustRuleError(`${rule}: m must be an integer in 1..n = ${n}; got ${m}`);
    averageChosen(inputs, rankByScore(krumScores(inputs, f, neighbours)).slice(0, m), out);
  });
}

export function krum(f: number, options: KrumOptions = {}): Aggregator {
  const { neighbours } = parseOptions('aggregator', 'krum', krumOptionsSchema, options);
  return krumFamily('krum', f, neighbours, () => 1);
}

export function multiKrum(f: number, options: MultiKrumOptions = {}): Aggregator {
  const { neighbours, m } = parseOptions('aggregator', 'multi-krum', multiKrumOptionsSchema, options);
  return krumFamily('multi-krum', f, neighbours, (n) => m ?? n - f);
}
