/**
 * Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", ICLR) with bias
 * correction, eps outside the square root and L2 weight decay added to the gradient
 * (g = g + wd*w), as torch.optim.Adam. For decoupled decay use AdamW.
 */
import { AdamFamilyOptimizer } from './adam-family.js';
import type { AdamMomentOptions } from './adam-moments.js';
import type { OptimizerLayout } from './optimizer.js';

export type AdamOptions = AdamMomentOptions;

export const ADAM_DEFAULTS: Readonly<Required<AdamOptions>> = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

export class AdamOptimizer extends AdamFamilyOptimizer<'adam'> {
  constructor(layout: OptimizerLayout, options: AdamOptions = {}) {
    super('adam', 'l2', ADAM_DEFAULTS, layout, options);
  }
}
