/**
 * Gaussian noise (as in Blanchard et al., NeurIPS 2017, and ByzFL): every Byzantine worker sends a
 * vector of independent N(mu, sigma^2) entries, from a seeded generator (util/rng), different for every worker and every round. Defaults mu = 0, sigma = 1.
 */
import { RobustRuleError } from '../aggregator.js';
import { checkHonest, type Attack } from '../attack.js';
import { Rng } from '../../util/rng.js';

export interface GaussianOptions {
  readonly mu?: number;
  readonly sigma?: number;
  readonly seed?: number;
}

export function gaussian(options: GaussianOptions = {}): Attack {
  const mu = options.mu ?? 0;
  const sigma = options.sigma ?? 1;
  if (!Number.isFinite(mu)) throw new RobustRuleError(`gaussian: mu must be a finite number; got ${mu}`);
  if (!(sigma >= 0) || !Number.isFinite(sigma)) throw new RobustRuleError(`gaussian: sigma must be a finite number >= 0; got ${sigma}`);
  const rng = new Rng(options.seed ?? 0);
  return {
    name: 'gaussian',
    forge(honest, f) {
      const d = checkHonest('gaussian', honest);
      return Array.from({ length: f }, () =>
        Float32Array.from({ length: d }, () => mu + sigma * rng.normal()),
      );
    },
  };
}
