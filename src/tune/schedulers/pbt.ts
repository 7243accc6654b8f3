/**
 * Population Based Training: `population` trials train side by side in segments of `interval`
 * epochs. When a member ends a segment at step s and ranks in the bottom `quantile` of the
 * population (by its latest reported value), it is replaced: a new member starts from the
 * weights of one in the top `quantile` (that member's checkpoint at the same step s) with its
 * hyperparameters, those named in `mutations` perturbed (exploit, then explore: pbt-explore.ts);
 * every other member resumes its own checkpoint for the next segment. The population so follows
 * a schedule of hyperparameters found during one training's worth of epochs.
 * M. Jaderberg et al., "Population Based Training of Neural Networks", arXiv:1711.09846, 2017
 * (truncation selection; the defaults after Ray Tune's PopulationBasedTraining: quantile 0.25,
 * resample probability 0.25, perturbation factors 0.8 and 1.2).
 *
 * The journal keeps a trial's parameters fixed, so an exploit is a new trial: the replaced one
 * ends ('pruned', attrs.replacedBy) in the append that creates its successor (attrs.pbtParent:
 * the donor's id, startFrom: the donor's checkpoint at s, startEpoch: s), which reports from
 * s + 1 on. A donor must have recorded that checkpoint (attrs.checkpoints[s], which the training
 * objective keeps after each segment), so an objective without checkpoints never exploits.
 * Parameters outside `mutations` are copied unchanged: those a checkpoint cannot change (the
 * model's width, the batch size) must not be listed.
 *
 * A member that fails for good (its training diverged, or its worker was lost past its retries)
 * is replaced the same way, as the worst of the population: from a top member's checkpoint at the
 * last interval boundary it passed (from scratch, with the donor's explored parameters, when it
 * failed in its first segment), so the population keeps its size.
 *
 * Every decision is read from the history (members, their steps and values, the checkpoints
 * recorded) and draws from streams fixed by (seed, replaced trial, parameter), so a restarted
 * tuner decides the same.
 */
import { LoomError, showValue } from '../../util/errors.js';
import { nameHash, trialRng } from '../samplers/random.js';
import { lossOf, type FrozenTrial, type StudyView, type TrialState } from '../study/trial.js';
import { perturb } from './pbt-explore.js';
import { pauseAtTarget } from './rungs.js';
import type { Decision, NextTrial, PresetParams, Scheduler } from './scheduler.js';

export interface PbtOptions {
  /** Members trained side by side (each a lineage of trials). */
  readonly population: number;
  /** Epochs (steps) between two exploit / explore decisions of a member. */
  readonly interval: number;
  /** The step every member trains to. */
  readonly maxBudget: number;
  /** The fraction at the bottom that is replaced and at the top that is copied (default 0.25, at most 0.5). */
  readonly quantile?: number;
  /** The chance that an explored value is drawn again from its distribution (default 0.25). */
  readonly resampleProbability?: number;
  /** A perturbed number is multiplied by one of these (default [0.8, 1.2]). */
  readonly factors?: readonly number[];
  /** The parameters explore changes; the others are copied from the donor. */
  readonly mutations: readonly string[];
  readonly seed?: number;
}

/** Labels of the streams other than a parameter's (which use its name's hash). */
const DONOR_STREAM = 0xd0;

const MEMBER_STATES: readonly TrialState[] = ['waiting', 'running', 'paused', 'complete'];

/** The last step a trial reported (0 before its first report). */
export function lastStep(trial: FrozenTrial): number {
  return Math.max(0, ...trial.intermediate.keys());
}

/** The members of the population now: trials neither replaced nor failed. */
export function pbtMembers(study: StudyView): FrozenTrial[] {
  return study.trials(MEMBER_STATES).filter((t) => t.attrs.replacedBy === undefined);
}

/**
 * Members that failed for good: failed trials neither retried (a lost worker's trial is run
 * again, attrs.retryOf) nor replaced yet.
 */
export function fallenMembers(study: StudyView): FrozenTrial[] {
  const all = study.trials();
  const retried = new Set(all.flatMap((t) => (typeof t.attrs.retryOf === 'number' ? [t.attrs.retryOf] : [])));
  return all.filter((t) => t.state === 'failed' && t.attrs.replacedBy === undefined && !retried.has(t.number));
}

/** The checkpoint a trial recorded at `step` (the one it started from, when it started there), or null. */
export function checkpointAt(trial: FrozenTrial, step: number): string | null {
  const kept = trial.attrs.checkpoints;
  if (typeof kept === 'object' && kept !== null) {
    const path = (kept as Record<string, unknown>)[String(step)];
    if (typeof path === 'string') return path;
  }
  return trial.attrs.startEpoch === step && typeof trial.attrs.startFrom === 'string' ? trial.attrs.startFrom : null;
}

/**
 * The bottom and top quantile of `ranked` (best first): ceil(n * fraction) each, at most half
 * of n; none with fewer than two (Ray Tune's _quantiles).
 */
export function quantiles<T>(ranked: readonly T[], fraction: number): { top: T[]; bottom: T[] } {
  if (ranked.length <= 1) return { top: [], bottom: [] };
  const k = Math.min(Math.ceil(ranked.length * fraction - 1e-9), Math.floor(ranked.length / 2));
  return { top: ranked.slice(0, k), bottom: ranked.slice(ranked.length - k) };
}

export class PbtScheduler implements Scheduler {
  readonly name = 'pbt';
  readonly maxBudget: number;
  readonly population: number;
  readonly interval: number;
  private readonly quantile: number;
  private readonly resampleProbability: number;
  private readonly factors: readonly number[];
  private readonly mutations: readonly string[];
  private readonly seed: number;

  constructor(options: PbtOptions) {
    const { population, interval, maxBudget } = options;
    const quantile = options.quantile ?? 0.25;
    const resampleProbability = options.resampleProbability ?? 0.25;
    const factors = options.factors ?? [0.8, 1.2];
    const seed = options.seed ?? 0;
    const positive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;
    if (!Number.isInteger(population) || population < 2) throw new LoomError(`pbt: population must be an integer >= 2, got ${showValue(population)}`);
    if (!positive(interval)) throw new LoomError(`pbt: interval must be a positive number, got ${showValue(interval)}`);
    if (!positive(maxBudget)) throw new LoomError(`pbt: maxBudget must be a positive number, got ${showValue(maxBudget)}`);
    if (interval > maxBudget) throw new LoomError(`pbt: interval ${interval} is greater than maxBudget ${maxBudget} (a member would never be exploited)`);
    if (!(typeof quantile === 'number' && quantile > 0 && quantile <= 0.5)) throw new LoomError(`pbt: quantile must be in (0, 0.5], got ${showValue(quantile)}`);
    if (!(typeof resampleProbability === 'number' && resampleProbability >= 0 && resampleProbability <= 1)) {
      throw new LoomError(`pbt: resampleProbability must be in [0, 1], got ${showValue(resampleProbability)}`);
    }
    if (!Array.isArray(factors) || factors.length === 0 || !factors.every(positive)) throw new LoomError(`pbt: factors must be positive numbers (at least one), got ${showValue(factors)}`);
    const mutations = options.mutations;
    if (!Array.isArray(mutations) || mutations.length === 0 || !mutations.every((m) => typeof m === 'string' && m.length > 0)) {
      throw new LoomError(`pbt: mutations must name at least one parameter, got ${showValue(mutations)}`);
    }
    if (!Number.isInteger(seed) || seed < 0) throw new LoomError(`pbt: seed must be an integer >= 0, got ${showValue(seed)}`);
    this.population = population;
    this.interval = interval;
    this.maxBudget = maxBudget;
    this.quantile = quantile;
    this.resampleProbability = resampleProbability;
    this.factors = [...factors];
    this.mutations = [...new Set(mutations)];
    this.seed = seed;
  }

  nextTrial(study: StudyView): NextTrial {
    const founders = study.trials().filter((t) => t.attrs.retryOf === undefined && t.attrs.replaces === undefined);
    if (founders.length < this.population) return { kind: 'new', budget: this.interval };
    const members = pbtMembers(study);
    for (const fallen of this.replacingFailuresLeft(study) > 0 ? fallenMembers(study) : []) {
      const replacement = this.replaceFallen(study, members, fallen);
      if (replacement) return replacement;
    }
    // The member behind the others decides first (ties: the earliest trial).
    const paused = members.filter((t) => t.state === 'paused').sort((a, b) => lastStep(a) - lastStep(b) || a.number - b.number)[0];
    if (!paused) return members.some((t) => t.state !== 'complete') ? { kind: 'wait' } : { kind: 'done' };
    const step = lastStep(paused);
    const budget = Math.min(step + this.interval, this.maxBudget);
    const { top, bottom } = quantiles(this.ranked(study, members), this.quantile);
    const exploit = bottom.some((t) => t.id === paused.id) ? this.exploit(top, paused, step) : null;
    return exploit ?? { kind: 'resume', trialId: paused.id, budget };
  }

  /**
   * How many more failed members may be replaced: one per member and interval in all, so that a
   * failure that follows whatever is copied cannot go on forever.
   */
  private replacingFailuresLeft(study: StudyView): number {
    const all = study.trials();
    const byId = new Map(all.map((t) => [t.id, t]));
    // By the trials replaced: a retry of a replacement carries the same attrs.replaces.
    const replaced = new Set(all.flatMap((t) => (typeof t.attrs.replaces === 'number' && byId.get(t.attrs.replaces)?.state === 'failed' ? [t.attrs.replaces] : [])));
    return this.population * Math.ceil(this.maxBudget / this.interval) - replaced.size;
  }

  /**
   * A new member in place of a failed one: from a top member (any member with a value, when the
   * population is too small for quantiles) that has a checkpoint at the failed one's last
   * boundary; null while none has.
   */
  private replaceFallen(study: StudyView, members: readonly FrozenTrial[], fallen: FrozenTrial): NextTrial | null {
    const reached = Math.max(lastStep(fallen), typeof fallen.attrs.startEpoch === 'number' ? fallen.attrs.startEpoch : 0);
    const step = Math.floor(reached / this.interval + 1e-9) * this.interval;
    const ranked = this.ranked(study, members);
    const { top } = quantiles(ranked, this.quantile);
    return this.exploit(top.length > 0 ? top : ranked, fallen, step);
  }

  /**
   * `replaced` ends and a new member takes its place from one of `candidates` (drawn from the
   * replaced trial's stream) that has a checkpoint at `step` — at step 0, from scratch — with its
   * explored parameters, for the next interval; null while none can be copied.
   */
  private exploit(candidates: readonly FrozenTrial[], replaced: FrozenTrial, step: number): NextTrial | null {
    const donors = candidates.filter((t) => step === 0 || (lastStep(t) >= step && checkpointAt(t, step) !== null));
    if (donors.length === 0) return null;
    const donor = donors[trialRng(this.seed, replaced, DONOR_STREAM).int(donors.length)];
    return {
      kind: 'new',
      budget: Math.min(step + this.interval, this.maxBudget),
      attrs: step > 0 ? { pbtParent: donor.id, startFrom: checkpointAt(donor, step), startEpoch: step } : { pbtParent: donor.id },
      params: this.explore(donor, replaced),
      replaces: replaced.id,
    };
  }

  onReport(_study: StudyView, trial: FrozenTrial, step: number): Decision {
    const unknown = this.mutations.find((name) => !(name in trial.distributions));
    if (unknown !== undefined) {
      // "search space:" ends the whole run (study.ts): every trial would fail the same way.
      const known = Object.keys(trial.distributions);
      throw new LoomError(`search space: pbt mutations name ${showValue(unknown)}, which is not a parameter of the space (trial ${trial.number} has ${known.length > 0 ? known.join(', ') : 'none'})`);
    }
    return pauseAtTarget(trial, step, this.maxBudget);
  }

  /**
   * Members with a value, best first (ties: the earliest trial). A member's value is its latest
   * report; one that has not reported since it replaced another keeps the replaced one's, as a
   * trial exploited in Ray Tune keeps its score until its next result — so that replacing the
   * worst member does not make the next one the worst before anything was measured. One that
   * replaced a failed member is unranked until it reports.
   */
  private ranked(study: StudyView, members: readonly FrozenTrial[]): FrozenTrial[] {
    const byId = new Map(study.trials().map((t) => [t.id, t]));
    const latest = (t: FrozenTrial | undefined): number | null => {
      if (!t || t.state === 'failed') return null;
      if (t.intermediate.size > 0) return t.intermediate.get(lastStep(t)) as number;
      return typeof t.attrs.replaces === 'number' ? latest(byId.get(t.attrs.replaces)) : null;
    };
    const valued = members.flatMap((t) => {
      const value = latest(t);
      return value === null ? [] : [{ t, loss: lossOf(study.direction, value) }];
    });
    return valued.sort((a, b) => a.loss - b.loss || a.t.number - b.t.number).map((v) => v.t);
  }

  /** The donor's parameters, those in `mutations` perturbed with the replaced trial's streams. */
  private explore(donor: FrozenTrial, replaced: FrozenTrial): PresetParams {
    const params: Record<string, PresetParams[string]> = {};
    for (const [name, value] of Object.entries(donor.params)) {
      const distribution = donor.distributions[name];
      const explored = this.mutations.includes(name)
        ? perturb(distribution, value, trialRng(this.seed, replaced, nameHash(name)), { resampleProbability: this.resampleProbability, factors: this.factors })
        : value;
      params[name] = { distribution, value: explored };
    }
    return params;
  }
}
