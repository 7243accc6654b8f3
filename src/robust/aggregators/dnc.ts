/**
 * Divide-and-Conquer, DnC (Shejwalkar, Houmansadr, "Manipulating the Byzantine: Optimizing Model
 * Poisoning Attacks and Defenses for Federated Learning", NDSS 2021). Each iteration samples
 * `subDimension` coordinates, centres the inputs' sampled coordinates on their mean, finds the top
 * right singular vector v of that n x b matrix (power iteration), scores every input by its squared
 * projection on v, and marks the floor(filterFraction * f) highest as outliers. The inputs no
 * iteration marked are averaged (all coordinates). Defaults as ByzFL: 1 iteration, 10,000
 * coordinates (or all, if fewer), filterFraction 1, seed 0. Needs n > 2f.
 */
import { z } from 'zod';
import { averageOf, defineRule, HONEST_MAJORITY, type Aggregator } from '../aggregator.js';
import { nonNegativeNumber, positiveInteger, seed } from '../option-fields.js';
import { parseOptions } from '../options.js';
import { Rng } from '../../util/rng.js';
import { norm } from '../vectors.js';

export const dncOptionsSchema = z.strictObject({
  iterations: positiveInteger.default(1),
  /** Coordinates sampled per iteration (all of them, if fewer). */
  subDimension: positiveInteger.default(10_000),
  filterFraction: nonNegativeNumber.default(1),
  seed: seed.default(0),
});

export type DncOptions = z.input<typeof dncOptionsSchema>;

const POWER_STEPS = 200;

/** Squared projections of the centred rows of `m` (n x b, row-major) on its top right singular vector. */
function spectralScores(m: Float64Array, n: number, b: number, rng: Rng): Float64Array {
  let v = Float64Array.from({ length: b }, () => rng.normal());
  const mv = new Float64Array(n);
  for (let step = 0; step < POWER_STEPS; step++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < b; j++) s += m[i * b + j]! * v[j]!;
      mv[i] = s;
    }
    const next = new Float64Array(b);
    for (let i = 0; i < n; i++) for (let j = 0; j < b; j++) next[j]! += m[i * b + j]! * mv[i]!;
    const length = norm(next);
    if (length === 0) break; // every input equal on these coordinates: all scores 0
    for (let j = 0; j < b; j++) next[j]! /= length;
    const change = next.reduce((s, x, j) => s + Math.abs(x - v[j]!), 0);
    v = next;
    if (change < 1e-12) break;
  }
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < b; j++) s += m[i * b + j]! * v[j]!;
    scores[i] = Number.isFinite(s) ? s * s : Infinity;
  }
  return scores;
}

export function dnc(f: number, options: DncOptions = {}): Aggregator {
  const { iterations, subDimension, filterFraction, seed } = parseOptions('aggregator', 'dnc', dncOptionsSchema, options);
  const rng = new Rng(seed);
  return defineRule('dnc', f, HONEST_MAJORITY, (inputs, out, n) => {
    const d = out.length;
    const b = Math.min(d, subDimension);
    const removed = Math.min(n - 1, Math.floor(filterFraction * f));
    const outliers = new Set<number>();
    for (let it = 0; it < iterations; it++) {
      const coordinates = Array.from(rng.permutation(d).subarray(0, b));
      const m = new Float64Array(n * b);
      for (let t = 0; t < b; t++) {
        let mean = 0;
        for (let i = 0; i < n; i++) mean += inputs[i]![coordinates[t]!]! / n;
        for (let i = 0; i < n; i++) m[i * b + t] = inputs[i]![coordinates[t]!]! - mean;
      }
      const scores = spectralScores(m, n, b, rng);
      Array.from(scores.keys()).sort((x, y) => scores[y]! - scores[x]! || x - y).slice(0, removed).forEach((i) => outliers.add(i));
    }
    averageOf(inputs, Array.from({ length: n }, (_, i) => i).filter((i) => !outliers.has(i)), out);
  });
}
