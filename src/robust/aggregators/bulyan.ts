/**
 * Bulyan (El Mhamdi, Guerraoui, Rouault, "The Hidden Vulnerability of Distributed Learning in
 * Byzantium", ICML 2018). Selection: theta = n - 2f inputs chosen one at a time by Krum over the
 * inputs not yet chosen (each round scores with the n' - f - 2 nearest of the n' remaining, at
 * least 0). Aggregation: per coordinate, the average of the beta = theta - 2f selected values
 * closest to their median. Needs n >= 4f + 3.
 */
import { defineRule, type Aggregator } from '../aggregator.js';
import { pairwiseSquaredDistances } from '../pairwise-distances.js';
import { forEachSortedCoordinate } from './coordinate-order.js';
import { krumScoresAmong, rankByScore } from './krum.js';
import { meanAroundMedian } from './mean-around-median.js';
import { robustKernels } from './native-path.js';

/** Indices chosen by iterated Krum, in the order chosen. */
export function bulyanSelection(inputs: readonly Float32Array[], f: number, theta: number): number[] {
  const n = inputs.length;
  const distances = pairwiseSquaredDistances(inputs);
  const remaining = Array.from({ length: n }, (_, i) => i);
  const chosen: number[] = [];
  while (chosen.length < theta) {
    const scores = krumScoresAmong(distances, n, remaining, remaining.length - f - 2);
    // remaining stays ascending, so the first lowest score is the lowest index among ties
    const best = rankByScore(scores)[0]!;
    chosen.push(remaining[best]!);
    remaining.splice(best, 1);
  }
  return chosen;
}

export function bulyan(f: number): Aggregator {
  return defineRule('bulyan', f, { text: 'n >= 4f + 3', holds: (n, f) => n >= 4 * f + 3 }, (inputs, out, n) => {
    const theta = n - 2 * f;
    const selected = bulyanSelection(inputs, f, theta).map((i) => inputs[i]!);
    const native = robustKernels();
    if (native !== null) return native.meanAroundMedian(selected, out, theta - 2 * f);
    forEachSortedCoordinate(selected, out.length, (j, sorted) => {
      out[j] = meanAroundMedian(sorted, theta - 2 * f);
    });
  });
}
