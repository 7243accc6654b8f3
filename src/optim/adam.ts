/**
 * Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", ICLR) with bias
 * correction, eps outside the square root and L2 weight decay added to the gradient
 * (g = g + wd*w), as torch.optim.Adam. For decoupled decay use AdamW.
 */
import { AdamFamilyOptimizer } from './adam-family.js';
import type { OptimizerLayout } from './optimizer.js';
import { adamOptionsSchema, type AdamOptions, type AdamSettings } from './options/adam.js';

export type { AdamOptions } from './options/adam.js';

export const ADAM_DEFAULTS: Readonly<AdamSettings> = adamOptionsSchema.parse({});

export class AdamOptimizer extends AdamFamilyOptimizer<'adam'> {
  constructor(layout: OptimizerLayout, options: AdamOptions = {}) {
    super('adam', 'l2', adamOptionsSchema, layout, options);
  }
}
