/**
 * Pre-aggregation: a map from the n input vectors to new vectors (as many, or fewer) that a rule
 * then aggregates. Composable: `composeRule([nnm(f), staticClipping(5)], trimmedMean(f))`.
 * Pre-aggregators never modify their inputs; they return fresh vectors.
 */
import { checkInputs, type Aggregator } from './aggregator.js';
import { norm, plusScaled } from './vectors.js';

export interface PreAggregator {
  readonly name: string;
  apply(inputs: readonly Float32Array[]): Float32Array[];
}

/** The rule applied after the pre-aggregators, in list order; named `nnm+trimmed-mean`. */
export function composeRule(pre: readonly PreAggregator[], rule: Aggregator): Aggregator {
  if (pre.length === 0) return rule;
  const name = [...pre.map((p) => p.name), rule.name].join('+');
  return {
    name,
    f: rule.f,
    aggregate(inputs, out) {
      checkInputs(name, inputs, out);
      let vectors: readonly Float32Array[] = inputs;
      for (const p of pre) vectors = p.apply(vectors);
      rule.aggregate(vectors, out);
    },
  };
}

/** A copy of x scaled to norm at most c (x itself unchanged); pass x's norm where it is known. */
export function clipToNorm(x: Float32Array, c: number, n = norm(x)): Float32Array {
  const scale = n > c ? c / n : 1;
  return scale === 1 ? Float32Array.from(x) : plusScaled(null, scale, x);
}
