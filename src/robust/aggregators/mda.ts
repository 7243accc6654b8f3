/**
 * Minimum-diameter averaging (El Mhamdi, Guerraoui, Rouault, "The Hidden Vulnerability of
 * Distributed Learning in Byzantium", ICML 2018): among
 * all subsets of n - f inputs, the one whose largest pairwise distance is smallest is averaged.
 * Exhaustive over the C(n, f) subsets, so it refuses more than `maxSubsets` (default 1e6) of them
 * rather than run for hours. Ties go to the subset found first (lexicographic by left-out indices).
 * Needs n > 2f.
 */
import { z } from 'zod';
import { averageOf, defineRule, HONEST_MAJORITY, RobustRuleError, type Aggregator } from '../aggregator.js';
import { positiveInteger } from '../option-fields.js';
import { parseOptions } from '../options.js';
import { pairwiseSquaredDistances } from '../pairwise-distances.js';

export const mdaOptionsSchema = z.strictObject({
  /** The most subsets of n - f inputs the search may visit (checked on each call, against C(n, f)). */
  maxSubsets: positiveInteger.default(1e6),
});

export type MdaOptions = z.input<typeof mdaOptionsSchema>;

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/** The indices of the minimum-diameter subset of size n - f. */
export function minimumDiameterSubset(inputs: readonly Float32Array[], f: number): number[] {
  const n = inputs.length;
  const distances = pairwiseSquaredDistances(inputs);
  const left = Array.from({ length: f }, (_, i) => i); // the f inputs left out, ascending
  let best: number[] = [];
  let bestDiameter = Infinity;
  for (;;) {
    const out = new Set(left);
    const kept = Array.from({ length: n }, (_, i) => i).filter((i) => !out.has(i));
    let diameter = 0;
    for (let a = 0; a < kept.length && diameter < bestDiameter; a++) {
      for (let b = a + 1; b < kept.length; b++) diameter = Math.max(diameter, distances[kept[a]! * n + kept[b]!]!);
    }
    if (diameter < bestDiameter || best.length === 0) {
      best = kept;
      bestDiameter = diameter;
    }
    // next combination of left-out indices
    let i = f - 1;
    while (i >= 0 && left[i] === n - f + i) i--;
    if (i < 0) return best;
    left[i]!++;
    for (let j = i + 1; j < f; j++) left[j] = left[j - 1]! + 1;
  }
}

export function mda(f: number, options: MdaOptions = {}): Aggregator {
  const { maxSubsets } = parseOptions('aggregator', 'mda', mdaOptionsSchema, options);
  return defineRule('mda', f, HONEST_MAJORITY, (inputs, out, n) => {
    const subsets = binomial(n, f);
    if (subsets > maxSubsets) throw new RobustRuleError(`mda: C(n = ${n}, f = ${f}) = ${subsets} subsets exceeds maxSubsets = ${maxSubsets}`);
    averageOf(inputs, minimumDiameterSubset(inputs, f), out);
  });
}
