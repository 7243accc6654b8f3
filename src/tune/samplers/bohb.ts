/**
 * BOHB's sampler: Hyperband decides budgets (use it with the `hyperband` scheduler), and each new
 * configuration comes from a TPE-style model fit on the largest budget with enough observations.
 * S. Falkner, A. Klein, F. Hutter, "BOHB: Robust and Efficient Hyperparameter Optimization at
 * Scale", ICML 2018 (Algorithm 2), with the rules of its reference implementation, HpBandSter's
 * config_generators/bohb.py:
 *
 * - the observations at budget b are every trial's intermediate value at b (Hyperband's rungs)
 *   and each complete trial's final value at its budget; running and waiting trials are left out,
 *   a lost trial and its retries count once, and a failed trial counts as the worst (loss +∞) at
 *   the budget it was run for;
 * - a budget with N observations has a model when N >= minPoints (default d + 1, never fewer)
 *   and both sets have more than d points: l(x) on the best max(minPoints, ⌊topFraction · N⌋), g(x)
 *   on the next max(minPoints, ⌊(1 − topFraction) · N⌋) (bohb/kde.ts); the largest such budget is used;
 * - a new trial is uniformly random (the random sampler's point for the same seed and trial) with
 *   probability randomFraction, or when no budget has a model; otherwise `samples` draws from l with
 *   its numerical bandwidths times bandwidthFactor, and the one maximising l(x) / g(x) (scored where
 *   it lands: integers and steps rounded).
 *
 * It samples jointly over the parameters every observed trial shares (with one distribution);
 * any other parameter comes from the random sampler. Deterministic given the seed and the history.
 */
import { LoomError, showValue } from '../../util/errors.js';
import { fromUnit, sameDistribution, toInternal, toUnit, type Distribution, type ParamValue } from '../space/distribution.js';
import { configurations } from '../schedulers/successive-halving.js';
import { lossOf, type FrozenTrial, type StudyView } from '../study/trial.js';
import { ProductKde } from './bohb/kde.js';
import { RandomSampler, trialRng } from './random.js';
import type { Sampler, SearchSpace } from './sampler.js';

export interface BohbOptions {
  readonly seed?: number;
  /** Observations a budget needs before it is modelled (default and minimum: d + 1, d the parameters modelled). */
  readonly minPoints?: number;
  /** The share of a budget's observations in the good set l(x) (default 0.15). */
  readonly topFraction?: number;
  /** Candidates drawn from l(x) per model-based trial (default 64). */
  readonly samples?: number;
  /** The share of trials sampled uniformly at random even when a model exists (default 1/3). */
  readonly randomFraction?: number;
  /** How much wider than l(x)'s bandwidths the candidates are drawn (default 3). */
  readonly bandwidthFactor?: number;
  /** The smallest bandwidth of a kernel (default 1e-3). */
  readonly minBandwidth?: number;
}

/** l(x) and g(x) fit on one budget's observations. */
export interface BohbModel {
  readonly budget: number;
  readonly good: ProductKde;
  readonly bad: ProductKde;
}

interface Observation {
  readonly point: number[];
  readonly loss: number;
  readonly number: number;
}

// Labels of the trial's random streams (the random sampler uses the FNV hashes of parameter names).
const COIN_STREAM = 0xb0b1;
const MODEL_STREAM = 0xb0b2;

export class BohbSampler implements Sampler {
  readonly name = 'bohb';
  private readonly seed: number;
  private readonly random: RandomSampler;
  private readonly randomFraction: number;
  private readonly samples: number;
  private readonly bandwidthFactor: number;

  constructor(private readonly options: BohbOptions = {}) {
    this.seed = options.seed ?? 0;
    this.random = new RandomSampler(this.seed);
    this.randomFraction = options.randomFraction ?? 1 / 3;
    this.samples = options.samples ?? 64;
    this.bandwidthFactor = options.bandwidthFactor ?? 3;
    const check = (name: string, value: number | undefined, ok: (v: number) => boolean, want: string): void => {
      if (value !== undefined && !(typeof value === 'number' && ok(value))) throw new LoomError(`sampler (bohb): ${name} must be ${want}, got ${showValue(value)}`);
    };
    check('minPoints', options.minPoints, (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
    check('topFraction', options.topFraction, (v) => v > 0 && v < 1, 'in (0, 1)');
    check('samples', options.samples, (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
    check('randomFraction', options.randomFraction, (v) => v >= 0 && v <= 1, 'in [0, 1]');
    check('bandwidthFactor', options.bandwidthFactor, (v) => v > 0 && Number.isFinite(v), 'a positive number');
    check('minBandwidth', options.minBandwidth, (v) => v > 0 && v < 1, 'in (0, 1)');
  }

  inferRelativeSpace(study: StudyView): SearchSpace {
    return observedSpace(observedTrials(study));
  }

  sampleRelative(study: StudyView, trial: FrozenTrial, space: SearchSpace): Record<string, ParamValue> {
    const names = Object.keys(space);
    if (names.length === 0) return {};
    const model = fitBohbModel(study, space, this.options);
    if (model === null || trialRng(this.seed, trial, COIN_STREAM).next() < this.randomFraction) {
      return Object.fromEntries(names.map((n) => [n, this.random.sampleIndependent(study, trial, n, space[n])]));
    }
    const rng = trialRng(this.seed, trial, MODEL_STREAM);
    let best: ParamValue[] | null = null;
    let bestScore = -Infinity;
    for (let k = 0; k < this.samples; k++) {
      const raw = model.good.sample(rng, this.bandwidthFactor);
      const values = names.map((n, j) => valueOf(space[n], raw[j]));
      const landed = names.map((n, j) => coordinate(space[n], values[j]));
      const score = model.good.logPdf(landed) - model.bad.logPdf(landed);
      if (best === null || score > bestScore) {
        best = values;
        bestScore = score;
      }
    }
    return Object.fromEntries(names.map((n, j) => [n, (best as ParamValue[])[j]]));
  }

  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): ParamValue {
    return this.random.sampleIndependent(study, trial, name, distribution);
  }
}

/**
 * The model BOHB samples from for `space`: l(x) and g(x) on the largest budget that has one (see
 * the file comment), or null while no budget has enough observations.
 */
export function fitBohbModel(study: StudyView, space: SearchSpace, options: BohbOptions = {}): BohbModel | null {
  const names = Object.keys(space);
  const d = names.length;
  const minPoints = Math.max(options.minPoints ?? d + 1, d + 1);
  const top = options.topFraction ?? 0.15;
  const minBandwidth = options.minBandwidth ?? 1e-3;
  const levels = names.map((n) => {
    const d = space[n];
    return d.kind === 'categorical' ? d.choices.length : 0;
  });
  const byBudget = observationsByBudget(study, space);
  for (const budget of [...byBudget.keys()].sort((a, b) => b - a)) {
    const observations = byBudget.get(budget) as Observation[];
    const n = observations.length;
    if (n < minPoints) continue;
    // 1e-9: 0.15 · 20 is 3.0000000000000004 and 0.85 · 20 is 17 in floating point; the counts are ⌊·⌋ of exact products.
    const nGood = Math.max(minPoints, Math.floor(top * n + 1e-9));
    const nBad = Math.max(minPoints, Math.floor((1 - top) * n + 1e-9));
    const ranked = [...observations].sort(byLoss);
    const good = ranked.slice(0, nGood);
    const bad = ranked.slice(nGood, nGood + nBad);
    if (good.length <= d || bad.length <= d) continue;
    const kde = (set: Observation[]): ProductKde => new ProductKde(set.map((o) => o.point), levels, minBandwidth);
    return { budget, good: kde(good), bad: kde(bad) };
  }
  return null;
}

/** Lower loss first; ties (+∞ included) by trial number. */
function byLoss(a: Observation, b: Observation): number {
  if (a.loss !== b.loss) return a.loss < b.loss ? -1 : 1;
  return a.number - b.number;
}

/** Configurations (retries merged) that are not running or queued and have reported something or ended. */
function observedTrials(study: StudyView): FrozenTrial[] {
  return configurations(study.trials()).filter((t) => t.state !== 'running' && t.state !== 'waiting' && (t.intermediate.size > 0 || t.state === 'complete' || t.state === 'failed'));
}

/** The parameters every observed trial has, each with one distribution. */
function observedSpace(trials: readonly FrozenTrial[]): Record<string, Distribution> {
  let space: Record<string, Distribution> | null = null;
  for (const trial of trials) {
    if (trial.state === 'failed' && trial.intermediate.size === 0) continue; // may have failed before suggesting everything
    if (space === null) {
      space = { ...trial.distributions };
      continue;
    }
    for (const name of Object.keys(space)) {
      const d = trial.distributions[name];
      if (!d || !sameDistribution(d, space[name])) delete space[name];
    }
  }
  return space ?? {};
}

function observationsByBudget(study: StudyView, space: SearchSpace): Map<number, Observation[]> {
  const names = Object.keys(space);
  const byBudget = new Map<number, Observation[]>();
  for (const trial of observedTrials(study)) {
    if (!names.every((n) => n in trial.params && trial.distributions[n] !== undefined && sameDistribution(trial.distributions[n], space[n]))) continue;
    const values = new Map(trial.intermediate);
    if (trial.state === 'complete' && trial.value !== null) values.set(budgetOf(trial), trial.value);
    const losses = new Map([...values].map(([b, v]) => [b, lossOf(study.direction, v)]));
    if (trial.state === 'failed' && !losses.has(budgetOf(trial))) losses.set(budgetOf(trial), Infinity);
    const point = names.map((n) => coordinate(space[n], trial.params[n]));
    for (const [budget, loss] of losses) {
      const list = byBudget.get(budget);
      const observation = { point, loss: Number.isNaN(loss) ? Infinity : loss, number: trial.number };
      if (list) list.push(observation);
      else byBudget.set(budget, [observation]);
    }
  }
  return byBudget;
}

/** The budget a trial was run to: its target (attrs.budget), else its last reported step, else +∞ (no scheduler). */
function budgetOf(trial: FrozenTrial): number {
  if (typeof trial.attrs.budget === 'number' && Number.isFinite(trial.attrs.budget)) return trial.attrs.budget;
  return trial.intermediate.size > 0 ? Math.max(...trial.intermediate.keys()) : Infinity;
}

/** Where the KDE sees a value: its choice index for a categorical, its unit coordinate otherwise. */
function coordinate(d: Distribution, value: ParamValue): number {
  return d.kind === 'categorical' ? toInternal(d, value) : toUnit(d, value);
}

function valueOf(d: Distribution, x: number): ParamValue {
  return d.kind === 'categorical' ? d.choices[x] : fromUnit(d, x);
}
