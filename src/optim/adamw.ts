/**
 * AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", ICLR): Adam whose
 * weight decay is applied to the weights, not the gradient, in torch.optim.AdamW's order:
 * w = w - lr*wd*w first, then the Adam update computed from the raw gradient.
 */
import { AdamMoments, checkAdamOptions, type AdamMomentOptions } from './adam-moments.js';
import { resolveLayout } from './layout.js';
import type { Optimizer, OptimizerLayout, OptimizerState } from './optimizer.js';
import { checkStepArgs } from './state.js';
import { withDefaults } from './validate.js';

export type AdamWOptions = AdamMomentOptions;

/** As PyTorch: the same as Adam's, but weightDecay 0.01. */
export const ADAMW_DEFAULTS: Readonly<Required<AdamWOptions>> = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };

export class AdamWOptimizer implements Optimizer {
  readonly kind = 'adamw';
  readonly length: number;
  readonly options: Readonly<Required<AdamWOptions>>;
  private readonly moments: AdamMoments;

  constructor(layout: OptimizerLayout, options: AdamWOptions = {}) {
    const o = withDefaults(ADAMW_DEFAULTS, options);
    checkAdamOptions(this.kind, o);
    this.options = o;
    this.length = resolveLayout(this.kind, layout).length;
    this.moments = new AdamMoments(this.kind, this.length, o.beta1, o.beta2, o.eps);
  }

  get stepCount(): number {
    return this.moments.steps;
  }

  step(params: Float32Array, grads: Float32Array, lr: number): void {
    checkStepArgs(this.kind, this.length, params, grads, lr);
    this.moments.adamStep(params, grads, lr, 0, this.options.weightDecay);
  }

  state(): OptimizerState {
    return this.moments.state();
  }

  loadState(state: OptimizerState): void {
    this.moments.loadState(state);
  }
}
