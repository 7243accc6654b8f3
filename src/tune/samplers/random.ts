/**
 * Random search: every parameter uniform over its internal range (log-uniform where log), drawn
 * from a stream fixed by (seed, trial number, parameter name) — the same trial gets the same
 * point in any process, and parallel workers, holding different trial numbers, never share one.
 * J. Bergstra, Y. Bengio, "Random Search for Hyper-Parameter Optimization", JMLR 13, 2012.
 */
import { Rng } from '../../util/rng.js';
import { fromUnit, type Distribution, type ParamValue } from '../space/distribution.js';
import type { FrozenTrial } from '../study/trial.js';
import type { Sampler, SearchSpace } from './sampler.js';

/** FNV-1a of a parameter name, a label for Rng.derive. */
export function nameHash(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/**
 * The stream of (seed, trial, label). The seed is mixed in first, on its own: Rng.derive(seed,
 * trial) alone gives seed s, trial k the stream of seed k, trial s (it xors the first label in).
 */
export function trialRng(seed: number, trial: FrozenTrial, label: number): Rng {
  return Rng.derive(seed, 0x5eed, trial.number, label);
}

/** One uniform draw in [0, 1) for (seed, trial, name). */
export function unitDraw(seed: number, trial: FrozenTrial, name: string): number {
  return trialRng(seed, trial, nameHash(name)).next();
}

export class RandomSampler implements Sampler {
  readonly name = 'random';

  constructor(private readonly seed = 0) {}

  inferRelativeSpace(): SearchSpace {
    return {};
  }

  sampleRelative(): Record<string, ParamValue> {
    return {};
  }

  sampleIndependent(_study: unknown, trial: FrozenTrial, name: string, distribution: Distribution): ParamValue {
    return fromUnit(distribution, unitDraw(this.seed, trial, name));
  }
}
