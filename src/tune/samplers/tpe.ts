/**
 * Tree-structured Parzen Estimator: split the trials so far at the gamma quantile of their loss
 * into "below" (good) and "above", fit a Parzen estimator to each — l(x) and g(x) — and take, of
 * `eiCandidates` draws from l, the one maximising l(x) / g(x) (which maximises expected
 * improvement). Defaults are Optuna 3.x's: 10 random startup trials, gamma(n) = min(ceil(0.1 n),
 * 25), 24 candidates for one parameter (64 for a joint space), prior weight 1, magic clip,
 * recent trials weighted up.
 * J. Bergstra, R. Bardenet, Y. Bengio, B. Kégl, "Algorithms for Hyper-Parameter Optimization",
 * NeurIPS 2011. Multivariate: S. Falkner, A. Klein, F. Hutter, "BOHB", ICML 2018.
 *
 * - multivariate (default true): one joint estimator over the parameters every complete trial
 *   shares, so correlations between parameters count; other parameters are sampled one by one.
 * - bandwidth weighting (default 'above'): g(x) weights each kernel by its bandwidths, as Optuna
 *   3.1's density does in effect (ParzenOptions.bandwidthWeighted); 'both' does it in l(x) too.
 * - constant liar (default true): running trials join "above" with the parameters they hold,
 *   so parallel workers are steered away from points already being evaluated.
 * - pruned and failed trials count as worse than every complete one (they join "above").
 *
 * Measured with bench/tune.ts (100 trials), median regret on Branin / Hartmann6 over its 10
 * seeds, and over 80 seeds in brackets. Optuna 3.1 TPE (univariate): 0.016 / 0.277 (0.029 /
 * 0.229). Univariate, normalised: 0.065 / 0.374; univariate 'both' (Optuna 3.1's scoring): 0.028
 * / 0.357 (40 seeds: 0.026 / 0.226). Joint with Scott bandwidths, normalised: 0.053 / 0.253.
 * Joint with neighbour bandwidths and 64 candidates: normalised 0.023 / 0.129 (0.020 / 0.112),
 * 'both' 0.006 / 0.248 (0.0064 / 0.150), 'above' 0.006 / 0.083 (0.0051 / 0.129). 'both' with 24
 * candidates 0.018 / 0.173, with 128 0.009 / 0.136 (0.0065 / 0.140); 'above' with 128 0.003 /
 * 0.157 (0.0051 / 0.139). Hence the defaults: joint, neighbour bandwidths, 64 candidates, 'above'.
 */
import type { Rng } from '../../util/rng.js';
import { fromInternal, toInternal, type Distribution, type ParamValue } from '../space/distribution.js';
import { lossOf, type FrozenTrial, type StudyView } from '../study/trial.js';
import { ParzenEstimator, defaultWeights, type InternalPoint } from './parzen-estimator.js';
import { nameHash, RandomSampler, trialRng } from './random.js';
import { intersectionSpace, type Sampler, type SearchSpace } from './sampler.js';

export interface TpeOptions {
  readonly seed?: number;
  readonly multivariate?: boolean;
  readonly constantLiar?: boolean;
  /** Random trials before the model is used (default 10). */
  readonly startupTrials?: number;
  /** Draws from l(x) scored per sample: default 24 (Optuna's) for one parameter, 64 for a joint space. */
  readonly eiCandidates?: number;
  /**
   * Bandwidths of the joint kernels: 'neighbours' (default) gives each component, per parameter,
   * the univariate rule's width (the larger distance to its neighbours, magic-clipped);
   * 'scott' is Optuna's multivariate rule, 0.2 · n^(-1/(d+4)) · range.
   */
  readonly bandwidth?: 'neighbours' | 'scott';
  /** Below-group size for n observations (default min(ceil(0.1 n), 25)). */
  readonly gamma?: (n: number) => number;
  readonly priorWeight?: number;
  /**
   * Which estimators score with each kernel's weight scaled by its bandwidths (see
   * ParzenOptions.bandwidthWeighted): 'above' (default) g(x) only, 'both' l(x) and g(x) —
   * Optuna 3.1's univariate TPE exactly — or 'none' (normalised mixtures).
   */
  readonly bandwidthWeighting?: 'above' | 'both' | 'none';
}

export const defaultGamma = (n: number): number => Math.min(Math.ceil(0.1 * n), 25);

export class TpeSampler implements Sampler {
  readonly name = 'tpe';
  private readonly seed: number;
  private readonly random: RandomSampler;

  constructor(private readonly options: TpeOptions = {}) {
    this.seed = options.seed ?? 0;
    this.random = new RandomSampler(this.seed);
  }

  inferRelativeSpace(study: StudyView): SearchSpace {
    if (!(this.options.multivariate ?? true)) return {};
    return intersectionSpace(study.trials(['complete']));
  }

  sampleRelative(study: StudyView, trial: FrozenTrial, space: SearchSpace): Record<string, ParamValue> {
    if (Object.keys(space).length === 0 || !this.modelReady(study)) return {};
    return this.sampleFrom(study, space, trialRng(this.seed, trial, 0x7e1a7));
  }

  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): ParamValue {
    if (!this.modelReady(study)) return this.random.sampleIndependent(study, trial, name, distribution);
    return this.sampleFrom(study, { [name]: distribution }, trialRng(this.seed, trial, nameHash(name)))[name];
  }

  private modelReady(study: StudyView): boolean {
    return study.trials(['complete']).length >= (this.options.startupTrials ?? 10);
  }

  private sampleFrom(study: StudyView, space: SearchSpace, rng: Rng): Record<string, ParamValue> {
    const names = Object.keys(space);
    const has = (t: FrozenTrial): boolean => names.every((n) => n in t.params && JSON.stringify(t.distributions[n]) === JSON.stringify(space[n]));
    const complete = study
      .trials(['complete'])
      .filter((t) => has(t) && t.value !== null)
      .sort((a, b) => lossOf(study.direction, a.value as number) - lossOf(study.direction, b.value as number) || a.number - b.number);
    const nBelow = (this.options.gamma ?? defaultGamma)(complete.length);
    const below = complete.slice(0, nBelow);
    const worse: FrozenTrial[] = [...complete.slice(nBelow), ...study.trials(['pruned', 'failed']).filter(has)];
    if (this.options.constantLiar ?? true) worse.push(...study.trials(['running', 'waiting']).filter(has));
    const byTime = (a: FrozenTrial, b: FrozenTrial): number => a.number - b.number;
    const point = (t: FrozenTrial): InternalPoint => Object.fromEntries(names.map((n) => [n, toInternal(space[n], t.params[n])]));
    const options = { multivariate: names.length > 1, bandwidth: this.options.bandwidth ?? 'neighbours', priorWeight: this.options.priorWeight ?? 1 };
    const weighting = this.options.bandwidthWeighting ?? 'above';
    const fit = (trials: FrozenTrial[], bandwidthWeighted: boolean): ParzenEstimator => {
      const ordered = [...trials].sort(byTime);
      return new ParzenEstimator(space, ordered.map(point), defaultWeights(ordered.length), { ...options, bandwidthWeighted });
    };
    const l = fit(below, weighting === 'both');
    const g = fit(worse, weighting !== 'none');
    let best: InternalPoint | null = null;
    let bestScore = -Infinity;
    const candidates = this.options.eiCandidates ?? (names.length > 1 ? 64 : 24);
    for (const raw of l.sample(rng, candidates)) {
      // Scored where it will land: stepped and integer values rounded, categoricals as drawn.
      const candidate = Object.fromEntries(names.map((n) => [n, toInternal(space[n], fromInternal(space[n], raw[n]))]));
      const score = l.logPdf(candidate) - g.logPdf(candidate);
      if (best === null || score > bestScore) {
        best = candidate;
        bestScore = score;
      }
    }
    return Object.fromEntries(names.map((n) => [n, fromInternal(space[n], (best as InternalPoint)[n])]));
  }
}
