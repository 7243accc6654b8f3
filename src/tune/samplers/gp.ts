/**
 * Gaussian-process Bayesian optimisation: after `startupTrials` random trials, each trial's
 * parameters over the space every complete trial shares are the maximiser of expected
 * improvement under a GP (Matérn 5/2, ARD, hyperparameters fitted to the marginal likelihood)
 * fitted to the complete trials' losses; every other parameter is drawn uniformly.
 * J. Snoek, H. Larochelle, R. P. Adams, "Practical Bayesian Optimization of Machine Learning
 * Algorithms", NeurIPS 2012 (Matérn 5/2 + EI); C. E. Rasmussen, C. K. I. Williams, "Gaussian
 * Processes for Machine Learning", MIT Press 2006 (Alg. 2.1); D. R. Jones, M. Schonlau,
 * W. J. Welch, "Efficient Global Optimization of Expensive Black-Box Functions", J. Global
 * Optim. 1998 (EI).
 *
 * - Pruned and failed trials are left out of the model: their values, if any, are not the
 *   objective's.
 * - Running and waiting trials holding the whole space join the model at the posterior mean
 *   ("kriging believer", D. Ginsbourger, R. Le Riche, L. Carraro, "Kriging is well-suited to
 *   parallelize optimization", 2010): the mean is unchanged but the variance there collapses, so
 *   EI steers parallel workers away from points already being evaluated.
 * - Inputs are encoded as in gp/encoding.ts (unit range; categoricals by choice index).
 * - Cost: O(n³) per likelihood evaluation for n complete trials (a few dozen evaluations per
 *   fit), then O(n²) per acquisition candidate; meant for the hundreds of trials a study
 *   of expensive objectives has, not tens of thousands.
 */
import type { Distribution, ParamValue } from '../space/distribution.js';
import { lossOf, type FrozenTrial, type StudyView } from '../study/trial.js';
import { maximizeAcquisition } from './gp/acquisition.js';
import { SpaceEncoding } from './gp/encoding.js';
import { logExpectedImprovement } from './gp/expected-improvement.js';
import { GaussianProcess } from './gp/gaussian-process.js';
import { RandomSampler, trialRng } from './random.js';
import { intersectionSpace, type Sampler, type SearchSpace } from './sampler.js';

export interface GpSamplerOptions {
  readonly seed?: number;
  /** Complete trials before the model is used; until then every parameter is drawn at random (default 10). */
  readonly startupTrials?: number;
  /** Uniform candidates scored per proposal (default 2000). */
  readonly candidates?: number;
  /** Best observed points whose perturbations are scored too (default 5), and perturbations of each (default 60). */
  readonly anchors?: number;
  readonly perAnchor?: number;
  /** Best candidates refined by coordinate search (default 3). */
  readonly refine?: number;
  /** Random restarts of the hyperparameter fit after the default start (default 1). */
  readonly restarts?: number;
  /** Running and waiting trials join the model at the posterior mean (default true). */
  readonly krigingBeliever?: boolean;
}

/** The stream label of a trial's relative sample (hyperparameter restarts and candidates). */
const RELATIVE_STREAM = 0x6a55e;

export class GPSampler implements Sampler {
  readonly name = 'gp';
  private readonly seed: number;
  private readonly random: RandomSampler;

  constructor(private readonly options: GpSamplerOptions = {}) {
    this.seed = options.seed ?? 0;
    this.random = new RandomSampler(this.seed);
  }

  inferRelativeSpace(study: StudyView): SearchSpace {
    return intersectionSpace(study.trials(['complete']));
  }

  sampleRelative(study: StudyView, trial: FrozenTrial, space: SearchSpace): Record<string, ParamValue> {
    if (Object.keys(space).length === 0) return {};
    const encoding = new SpaceEncoding(space);
    const holds = (t: FrozenTrial): boolean => encoding.names.every((n) => n in t.params && JSON.stringify(t.distributions[n]) === JSON.stringify(space[n]));
    const observed = study
      .trials(['complete'])
      .filter((t) => holds(t) && t.value !== null && Number.isFinite(t.value))
      .map((t) => ({ x: encoding.encode(t.params), loss: lossOf(study.direction, t.value as number) }));
    if (observed.length === 0 || observed.length < (this.options.startupTrials ?? 10)) return {};

    const rng = trialRng(this.seed, trial, RELATIVE_STREAM);
    const losses = observed.map((o) => o.loss);
    const fitted = GaussianProcess.fit(
      observed.map((o) => o.x),
      losses,
      { categorical: encoding.categorical, restarts: this.options.restarts ?? 1, rng },
    );
    const model = (this.options.krigingBeliever ?? true) ? withPending(fitted, study, trial, encoding, holds) : fitted;
    const best = Math.min(...losses);
    const score = (x: Float64Array): number => {
      const { mean, variance } = model.predict(x);
      return logExpectedImprovement(mean, Math.sqrt(variance), best);
    };
    const anchors = [...observed].sort((a, b) => a.loss - b.loss).slice(0, this.options.anchors ?? 5).map((o) => o.x);
    const { x } = maximizeAcquisition(score, encoding, rng, {
      candidates: Math.max(1, this.options.candidates ?? 2000),
      anchors,
      perAnchor: this.options.perAnchor ?? 60,
      refine: this.options.refine ?? 3,
    });
    return encoding.decode(x);
  }

  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): ParamValue {
    return this.random.sampleIndependent(study, trial, name, distribution);
  }
}

/** The GP with every other running or waiting trial that holds the space added at its posterior mean. */
function withPending(gp: GaussianProcess, study: StudyView, trial: FrozenTrial, encoding: SpaceEncoding, holds: (t: FrozenTrial) => boolean): GaussianProcess {
  const pending = study
    .trials(['running', 'waiting'])
    .filter((t) => t.number !== trial.number && holds(t))
    .map((t) => encoding.encode(t.params));
  return gp.condition(
    pending,
    pending.map((x) => gp.predict(x).mean),
  );
}
