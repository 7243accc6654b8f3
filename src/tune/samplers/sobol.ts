/**
 * Quasi-Monte Carlo search (after Optuna's QMCSampler): trial k takes point k of a Sobol'
 * sequence, one dimension per parameter, mapped through each parameter's unit range (log where
 * log, a categorical by its choice index) — so the first 2^m trials cover every parameter's range
 * evenly (one in each 1/2^m of it) and parallel workers, holding different trial numbers, never
 * share a point.
 * I. M. Sobol', USSR Comput. Math. Math. Phys. 7(4), 1967; S. Joe, F. Y. Kuo, SIAM J. Sci.
 * Comput. 30(5), 2008 (direction numbers); J. Matoušek, J. Complexity 14(4), 1998 (the scrambling:
 * a linear matrix scramble plus a random digital shift); J. Bergstra, Y. Bengio, JMLR 13, 2012
 * (low-discrepancy sets for hyperparameter search).
 *
 * - The dimensions are the declared space's unconditional parameters, in order, when the sampler
 *   is given the space (a tune file does this), so trial 0 is already on the sequence. In code
 *   (define-by-run) they are the parameters every complete trial has, each keeping the dimension
 *   of its rank among the first complete trial's (sorted) names; until a trial completes, and for
 *   every other parameter (conditional ones), values are drawn at random.
 * - Scrambled by default (seeded: every process with the same seed follows the same sequence);
 *   unscrambled, trial k takes point k + 1, skipping the origin (every parameter at its low end).
 * - The table covers 40 dimensions; parameters beyond the 40th are drawn at random.
 */
import { fromUnit, type Distribution, type ParamValue } from '../space/distribution.js';
import type { SpaceParam } from '../space/search-space.js';
import type { FrozenTrial, StudyView } from '../study/trial.js';
import { RandomSampler } from './random.js';
import { intersectionSpace, type Sampler, type SearchSpace } from './sampler.js';
import { SOBOL_MAX_DIMENSION, SobolSequence } from './sobol-sequence.js';

export interface SobolSamplerOptions {
  /** Fixes the scrambling and the random draws (default 0). */
  readonly seed?: number;
  /** Default true. */
  readonly scramble?: boolean;
  /** The declared space: its unconditional parameters are the sequence's dimensions from the first trial. */
  readonly space?: readonly SpaceParam[];
}

export class SobolSampler implements Sampler {
  readonly name = 'sobol';
  private readonly sequence: SobolSequence;
  private readonly scramble: boolean;
  private readonly random: RandomSampler;
  /** From the declared space; null when the dimensions come from the study. */
  private readonly declared: ReadonlyMap<string, { distribution: Distribution; dimension: number }> | null;

  constructor(options: SobolSamplerOptions = {}) {
    const seed = options.seed ?? 0;
    this.scramble = options.scramble ?? true;
    this.sequence = new SobolSequence(this.scramble ? seed : null);
    this.random = new RandomSampler(seed);
    this.declared = options.space
      ? new Map(
          options.space
            .filter((p) => p.when.size === 0)
            .slice(0, SOBOL_MAX_DIMENSION)
            .map((p, dimension) => [p.name, { distribution: p.distribution, dimension }]),
        )
      : null;
  }

  inferRelativeSpace(study: StudyView): SearchSpace {
    if (this.declared) return Object.fromEntries([...this.declared].map(([name, p]) => [name, p.distribution]));
    const complete = study.trials(['complete']);
    const dimensions = studyDimensions(complete);
    return Object.fromEntries(Object.entries(intersectionSpace(complete)).filter(([name]) => dimensions.has(name)));
  }

  sampleRelative(study: StudyView, trial: FrozenTrial, space: SearchSpace): Record<string, ParamValue> {
    const dimensions = this.declared
      ? new Map([...this.declared].map(([name, p]) => [name, p.dimension]))
      : studyDimensions(study.trials(['complete']));
    const index = this.scramble ? trial.number : trial.number + 1;
    const values: Record<string, ParamValue> = {};
    for (const [name, distribution] of Object.entries(space)) {
      const dimension = dimensions.get(name);
      if (dimension !== undefined) values[name] = fromUnit(distribution, this.sequence.coordinate(index, dimension));
    }
    return values;
  }

  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): ParamValue {
    return this.random.sampleIndependent(study, trial, name, distribution);
  }
}

/** Parameter -> dimension: its rank among the sorted names of the first complete trial (the first 40). */
function studyDimensions(complete: readonly FrozenTrial[]): Map<string, number> {
  const first = complete[0];
  if (!first) return new Map();
  const names = Object.keys(first.distributions).sort().slice(0, SOBOL_MAX_DIMENSION);
  return new Map(names.map((name, dimension) => [name, dimension]));
}
