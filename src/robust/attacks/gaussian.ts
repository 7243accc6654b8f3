/**
 * Gaussian noise (as in Blanchard et al., NeurIPS 2017, and ByzFL): every Byzantine worker sends a
 * vector of independent N(mu, sigma^2) entries, from a seeded generator (util/rng), different for every worker and every round. Defaults mu = 0, sigma = 1.
 */
import { z } from 'zod';
import { checkHonest, type Attack } from '../attack.js';
import { finiteNumber, nonNegativeNumber, seed } from '../option-fields.js';
import { parseOptions } from '../options.js';
import { Rng } from '../../util/rng.js';

export const gaussianOptionsSchema = z.strictObject({
  mu: finiteNumber.default(0),
  sigma: nonNegativeNumber.default(1),
  /** Default 0; from a config, the run's seed. */
  seed: seed.optional(),
});

export type GaussianOptions = z.input<typeof gaussianOptionsSchema>;

export function gaussian(options: GaussianOptions = {}): Attack {
  const { mu, sigma, seed } = parseOptions('attack', 'gaussian', gaussianOptionsSchema, options);
  const rng = new Rng(seed ?? 0);
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
