/**
 * The line search of the optimal attacks (Allouah, Farhadkhani, Guerraoui, Gupta, Pinot,
 * Stephan, "Fixing by Mixing: A Recipe for Optimal Byzantine ML under Heterogeneity", AISTATS
 * 2023, as in ByzFL): the attack strength whose forged vectors move the rule's aggregate furthest
 * from the honest mean. A derivative-free hill climb on one scalar: from `start`, try
 * `start + delta`; a step that moves the aggregate further is kept, and a step that does not is
 * reversed and shrunk by `ratio`. Defaults: 20 evaluations, start 0, delta 10, ratio 0.8.
 */
import { z } from 'zod';
import type { Aggregator } from '../aggregator.js';
import { honestMean } from '../attack.js';
import { finiteNumber, nonZeroNumber, openUnitInterval, positiveInteger } from '../option-fields.js';
import { parseOptions } from '../options.js';
import { squaredDistance } from '../vectors.js';

export const lineSearchOptionsSchema = z.strictObject({
  evaluations: positiveInteger.default(20),
  start: finiteNumber.default(0),
  delta: nonZeroNumber.default(10),
  ratio: openUnitInterval.default(0.8),
});

export type LineSearchOptions = z.input<typeof lineSearchOptionsSchema>;
export type LineSearch = z.output<typeof lineSearchOptionsSchema>;

/** Checks the options once, when the attack is built. */
export function lineSearchOf(attack: string, options: LineSearchOptions = {}): LineSearch {
  return parseOptions('attack', attack, lineSearchOptionsSchema, options);
}

/**
 * The strength in the searched range that maximises ||rule(honest + f copies of forge(s)) - mean||.
 * `rule` should be the attacker's own instance: a stateful rule's state moves with every probe.
 */
export function strongestFactor(
  forgeAt: (strength: number) => Float32Array,
  honest: readonly Float32Array[],
  f: number,
  rule: Aggregator,
  search: LineSearch,
): number {
  const mean = honestMean(honest);
  const out = new Float32Array(mean.length);
  const damage = (strength: number): number => {
    const forged = forgeAt(strength);
    rule.aggregate([...honest, ...Array.from({ length: f }, () => forged)], out);
    return squaredDistance(out, mean);
  };
  let best = search.start;
  let bestDamage = damage(best);
  let delta = search.delta;
  for (let e = 1; e < search.evaluations; e++) {
    const candidate = best + delta;
    const candidateDamage = damage(candidate);
    if (candidateDamage > bestDamage) {
      best = candidate;
      bestDamage = candidateDamage;
    } else {
      delta *= -search.ratio;
    }
  }
  return best;
}
