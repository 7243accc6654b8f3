/**
 * The declarative form of a search space (a tune file's `space:`), sampled through the same
 * define-by-run trial API:
 *
 *     space:
 *       optimizer.type: { type: categorical, choices: [sgd, adam] }
 *       optimizer.momentum: { type: float, low: 0, high: 0.99, when: { optimizer.type: sgd } }
 *       optimizer.lr: { type: float, low: 1.0e-4, high: 1, log: true }
 *       model.hidden.0: { type: int, low: 32, high: 512, log: true }
 *
 * A parameter with `when` is conditional: it is suggested only when every named parameter took
 * one of the listed values (so it must come after them). Every distribution is checked up front,
 * with the parameter named.
 */
import { z } from 'zod';
import { LoomError, showValue } from '../../util/errors.js';
import {
  categoricalDistribution,
  floatDistribution,
  intDistribution,
  type Distribution,
  type ParamValue,
} from './distribution.js';

const choice = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const condition = z.record(z.string(), z.union([choice, z.array(choice)]));
const numeric = { low: z.number(), high: z.number(), log: z.boolean().default(false), when: condition.optional() };
const paramSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('float'), ...numeric, step: z.number().optional() }),
  z.strictObject({ type: z.literal('int'), ...numeric, step: z.number().optional() }),
  z.strictObject({ type: z.literal('categorical'), choices: z.array(choice), when: condition.optional() }),
]);

export const searchSpaceSchema = z.record(z.string().min(1), paramSchema);
export type SearchSpaceSpec = z.infer<typeof searchSpaceSchema>;

export interface SpaceParam {
  readonly name: string;
  readonly distribution: Distribution;
  /** Parameter name -> the values that enable this one; empty when unconditional. */
  readonly when: ReadonlyMap<string, readonly ParamValue[]>;
}

/** Checks a parsed `space:` section: distributions, and conditions on earlier parameters' possible values. */
export function buildSearchSpace(spec: SearchSpaceSpec): SpaceParam[] {
  const params: SpaceParam[] = [];
  const entries = Object.entries(spec);
  if (entries.length === 0) throw new LoomError('search space: no parameters (give at least one under space:)');
  for (const [name, p] of entries) {
    const distribution =
      p.type === 'float'
        ? floatDistribution(name, p.low, p.high, { log: p.log, step: p.step ?? null })
        : p.type === 'int'
          ? intDistribution(name, p.low, p.high, { log: p.log, ...(p.step !== undefined ? { step: p.step } : {}) })
          : categoricalDistribution(name, p.choices);
    const when = new Map<string, readonly ParamValue[]>();
    for (const [other, values] of Object.entries(p.when ?? {})) {
      const earlier = params.find((q) => q.name === other);
      if (!earlier) throw new LoomError(`search space: parameter "${name}": its condition names "${other}", which is not a parameter listed before it`);
      const list = Array.isArray(values) ? values : [values];
      if (earlier.distribution.kind === 'categorical') {
        const choices = earlier.distribution.choices;
        const impossible = list.find((v) => !choices.includes(v));
        if (impossible !== undefined) {
          throw new LoomError(`search space: parameter "${name}": its condition wants ${other} = ${showValue(impossible)}, which is not one of ${showValue(choices)}`);
        }
      }
      when.set(other, list);
    }
    params.push({ name, distribution, when });
  }
  return params;
}

/** What a trial needs for the declarative space: suggest a checked distribution. */
export interface Suggests {
  suggest(name: string, distribution: Distribution): ParamValue;
}

/** Suggests every enabled parameter in order; returns name -> value (disabled ones absent). */
export function suggestSpace(trial: Suggests, space: readonly SpaceParam[]): Record<string, ParamValue> {
  const values: Record<string, ParamValue> = {};
  for (const param of space) {
    const enabled = [...param.when].every(([other, allowed]) => other in values && allowed.includes(values[other]));
    if (enabled) values[param.name] = trial.suggest(param.name, param.distribution);
  }
  return values;
}
