/**
 * AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", ICLR): Adam whose
 * weight decay is applied to the weights, not the gradient, in torch.optim.AdamW's order:
 * w = w - lr*wd*w first, then the Adam update computed from the raw gradient.
 */
import { AdamFamilyOptimizer } from './adam-family.js';
import type { OptimizerLayout } from './optimizer.js';
import { adamwOptionsSchema, type AdamSettings, type AdamWOptions } from './options/adam.js';

export type { AdamWOptions } from './options/adam.js';

/** As PyTorch: the same as Adam's, but weightDecay 0.01. */
export const ADAMW_DEFAULTS: Readonly<AdamSettings> = adamwOptionsSchema.parse({});

export class AdamWOptimizer extends AdamFamilyOptimizer<'adamw'> {
  constructor(layout: OptimizerLayout, options: AdamWOptions = {}) {
    super('adamw', 'decoupled', adamwOptionsSchema, layout, options);
  }
}
