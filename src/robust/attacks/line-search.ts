/**
 * The line search of the optimal attacks (Allouah, Farhadkhani, Guerraoui, Gupta, Pinot,
 * Stephan, "Fixing by Mixing: A Recipe for Optimal Byzantine ML under Heterogeneity", AISTATS
 * 2023, as in ByzFL): the attack strength whose forged vectors move the rule's aggregate furthest
 * from the honest mean. A derivative-free hill climb on one scalar: from `start`, try
 * `start + delta`; a step that moves the aggregate further is kept, and a step that does not is
 * reversed and shrunk by `ratio`. Defaults: 20 evaluations, start 0, delta 10, ratio 0.8.
 */
import { RobustRuleError, type Aggregator } from '../aggregator.js';
import { honestMean } from '../attack.js';
import { squaredDistance } from '../vectors.js';

export interface LineSearchOptions {
  readonly evaluations?: number;
  readonly start?: number;
  readonly delta?: number;
  readonly ratio?: number;
}

export interface LineSearch {
  readonly evaluations: number;
  readonly start: number;
  readonly delta: number;
  readonly ratio: number;
}

/** Checks the options once, when the attack is built. */
export function lineSearchOf(attack: string, options: LineSearchOptions = {}): LineSearch {
  const search = { evaluations: options.evaluations ?? 20, start: options.start ?? 0, delta: options.delta ?? 10, ratio: options.ratio ?? 0.8 };
  if (!Number.isInteger(search.evaluations) || search.evaluations < 1) {
    throw new RobustRuleError(`${attack}: evaluations must be a positive integer; got ${search.evaluations}`);
  }
  if (!Number.isFinite(search.start)) throw new RobustRuleError(`${attack}: start must be a finite number; got ${search.start}`);
  if (!Number.isFinite(search.delta) || search.delta === 0) throw new RobustRuleError(`${attack}: delta must be a non-zero number; got ${search.delta}`);
  if (!(search.ratio > 0 && search.ratio < 1)) throw new RobustRuleError(`${attack}: ratio must be in (0, 1); got ${search.ratio}`);
  return search;
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
