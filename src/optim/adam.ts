/**
 * Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", ICLR) with bias
 * correction, eps outside the square root and L2 weight decay added to the gradient
 * (g = g + wd*w), as torch.optim.Adam. For decoupled decay use AdamW.
 */
import { AdamMoments, checkAdamOptions, type AdamMomentOptions } from './adam-moments.js';
import { resolveLayout } from './layout.js';
import type { Optimizer, OptimizerLayout, OptimizerState } from './optimizer.js';
import { checkStepArgs } from './state.js';
import { withDefaults } from './validate.js';

export type AdamOptions = AdamMomentOptions;

export const ADAM_DEFAULTS: Readonly<Required<AdamOptions>> = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

export class AdamOptimizer implements Optimizer {
  readonly kind = 'adam';
  readonly length: number;
  readonly options: Readonly<Required<AdamOptions>>;
  private readonly moments: AdamMoments;

  constructor(layout: OptimizerLayout, options: AdamOptions = {}) {
    const o = withDefaults(ADAM_DEFAULTS, options);
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
    this.moments.adamStep(params, grads, lr, this.options.weightDecay, 0);
  }

  state(): OptimizerState {
    return this.moments.state();
  }

  loadState(state: OptimizerState): void {
    this.moments.loadState(state);
  }
}
