/**
 * The importance of each parameter of a study by fANOVA (fanova.ts), the way Optuna's default
 * evaluator chooses its inputs: the complete trials with a finite value, the parameters every one
 * of them has with the same distribution (a conditional parameter some lack is left out), each in
 * unit coordinates (uniform over its internal range: log where log, the index for a categorical),
 * and a parameter of a single possible value reported as 0.
 */
import { cardinality, sameDistribution, toUnit, type Distribution } from '../space/distribution.js';
import type { FrozenTrial } from '../study/trial.js';
import { fanova } from './fanova.js';
import type { ForestOptions } from './forest.js';

export interface ParamImportance {
  readonly name: string;
  /** In [0, 1]; the parameters' importances sum to 1. */
  readonly importance: number;
}

export type ImportanceResult =
  | { readonly ok: true; readonly params: readonly ParamImportance[]; readonly trials: number }
  | { readonly ok: false; readonly reason: string };

/** The parameters every trial has, each with one distribution throughout, in first-seen order. */
function sharedSpace(trials: readonly FrozenTrial[]): [string, Distribution][] {
  const first = trials[0]!;
  return Object.entries(first.distributions).filter(([name, d]) => trials.every((t) => t.distributions[name] !== undefined && sameDistribution(t.distributions[name]!, d) && name in t.params));
}

/** Most important first; seeded (default seed 0), so the same study gives the same numbers. */
export function paramImportances(trials: readonly FrozenTrial[], options: ForestOptions = {}): ImportanceResult {
  const complete = trials.filter((t) => t.state === 'complete' && t.value !== null && Number.isFinite(t.value));
  if (complete.length < 2) return { ok: false, reason: `parameter importance needs at least 2 complete trials; the study has ${complete.length}` };
  const space = sharedSpace(complete);
  if (space.length === 0) return { ok: false, reason: 'parameter importance needs a parameter that every complete trial has' };
  const varying = space.filter(([, d]) => cardinality(d) > 1 && !(d.kind !== 'categorical' && d.low === d.high));
  const fixed = space.filter((p) => !varying.includes(p));
  if (varying.length === 0) return { ok: false, reason: 'parameter importance needs a parameter with more than one possible value' };
  const x = complete.map((t) => varying.map(([name, d]) => toUnit(d, t.params[name]!)));
  const y = complete.map((t) => t.value as number);
  const result = fanova(x, y, varying.map(() => [0, 1] as const), options);
  if (!result) return { ok: false, reason: `parameter importance needs the objective to vary; all ${complete.length} complete trials have the value ${y[0]}` };
  const params = [...varying.map(([name], j) => ({ name, importance: result.importances[j]! })), ...fixed.map(([name]) => ({ name, importance: 0 }))];
  return { ok: true, params: params.sort((a, b) => b.importance - a.importance), trials: complete.length };
}
