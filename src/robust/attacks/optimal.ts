/**
 * Optimal IPM and optimal ALIE (Allouah et al., "Fixing by Mixing", AISTATS 2023; ByzFL's
 * Optimal_InnerProductManipulation and Optimal_ALittleIsEnough): IPM's epsilon and ALIE's z chosen
 * every round by the line search of line-search.ts against the aggregation rule the attacker
 * expects (pre-aggregators included: pass a composed rule). Give the attack its own instance of
 * the rule, not the server's: the probes would move a stateful rule's state.
 */
import { z } from 'zod';
import type { Aggregator } from '../aggregator.js';
import { checkHonest, copies, type Attack } from '../attack.js';
import { parseOptions } from '../options.js';
import { alieDirection, alieStd } from './alie.js';
import { ipmDirection } from './inner-product-manipulation.js';
import { lineSearchOptionsSchema, strongestFactor, type LineSearch, type LineSearchOptions } from './line-search.js';

export const optimalIpmOptionsSchema = lineSearchOptionsSchema;
export const optimalAlieOptionsSchema = lineSearchOptionsSchema.extend({ std: alieStd });

function optimal(
  name: string,
  rule: Aggregator,
  search: LineSearch,
  direction: (honest: readonly Float32Array[]) => (strength: number) => Float32Array,
): Attack {
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
  return optimal('optimal-ipm', rule, parseOptions('attack', 'optimal-ipm', optimalIpmOptionsSchema, options), ipmDirection);
}

export function optimalAlie(rule: Aggregator, options: z.input<typeof optimalAlieOptionsSchema> = {}): Attack {
  const { std, ...search } = parseOptions('attack', 'optimal-alie', optimalAlieOptionsSchema, options);
  return optimal('optimal-alie', rule, search, (honest) => alieDirection(honest, std));
}
