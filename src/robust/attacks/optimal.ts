/**
 * Optimal IPM and optimal ALIE (Allouah et al., "Fixing by Mixing", AISTATS 2023; ByzFL's
 * Optimal_InnerProductManipulation and Optimal_ALittleIsEnough): IPM's epsilon and ALIE's z chosen
 * every round by the line search of line-search.ts against the aggregation rule the attacker
 * expects (pre-aggregators included: pass a composed rule). Give the attack its own instance of
 * the rule, not the server's: the probes would move a stateful rule's state.
 */
import type { Aggregator } from '../aggregator.js';
import { checkHonest, copies, type Attack } from '../attack.js';
import { alieDirection, type AlieOptions } from './alie.js';
import { ipmDirection } from './inner-product-manipulation.js';
import { lineSearchOf, strongestFactor, type LineSearchOptions } from './line-search.js';

function optimal(
  name: string,
  rule: Aggregator,
  options: LineSearchOptions,
  direction: (honest: readonly Float32Array[]) => (strength: number) => Float32Array,
): Attack {
  const search = lineSearchOf(name, options);
  return {
    name,
    forge(honest, f) {
      checkHonest(name, honest);
      const forgeAt = direction(honest);
      return copies(forgeAt(strongestFactor(forgeAt, honest, f, rule, search)), f);
    },
  };
}

export function optimalIpm(rule: Aggregator, options: LineSearchOptions = {}): Attack {
  return optimal('optimal-ipm', rule, options, ipmDirection);
}

export function optimalAlie(rule: Aggregator, options: LineSearchOptions & Pick<AlieOptions, 'std'> = {}): Attack {
  return optimal('optimal-alie', rule, options, (honest) => alieDirection(honest, options.std));
}
