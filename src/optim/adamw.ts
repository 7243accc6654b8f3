/**
 * AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", ICLR): Adam whose
 * weight decay is applied to the weights, not the gradient, in torch.optim.AdamW's order:
 * w = w - lr*wd*w first, then the Adam update computed from the raw gradient.
 */
import { AdamFamilyOptimizer } from './adam-family.js';
import type { AdamMomentOptions } from './adam-moments.js';
import type { OptimizerLayout } from './optimizer.js';

export type AdamWOptions = AdamMomentOptions;

/** As PyTorch: the same as Adam's, but weightDecay 0.01. */
export const ADAMW_DEFAULTS: Readonly<Required<AdamWOptions>> = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };

export class AdamWOptimizer extends AdamFamilyOptimizer<'adamw'> {
  constructor(layout: OptimizerLayout, options: AdamWOptions = {}) {
    super('adamw', 'decoupled', ADAMW_DEFAULTS, layout, options);
  }
}
