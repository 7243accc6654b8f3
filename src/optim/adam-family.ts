/**
 * What Adam and AdamW share: everything but where the weight decay goes. Adam adds it to the
 * gradient (L2, g = g + wd*w); AdamW applies it to the weights (decoupled, w = w - lr*wd*w).
 */
import { AdamMoments } from './adam-moments.js';
import { resolveLayout } from './layout.js';
import type { Optimizer, OptimizerLayout, OptimizerState } from './optimizer.js';
import type { AdamFamilySchema, AdamOptions, AdamSettings } from './options/adam.js';
import { parseOptimizerOptions } from './options/parse.js';
import { checkStepArgs } from './state.js';

/** Where weightDecay goes: `l2` into the gradient (Adam), `decoupled` onto the weights (AdamW). */
export type AdamWeightDecay = 'l2' | 'decoupled';

export class AdamFamilyOptimizer<Kind extends string> implements Optimizer {
  readonly length: number;
  readonly options: Readonly<AdamSettings>;
  private readonly moments: AdamMoments;

  constructor(
    readonly kind: Kind,
    private readonly weightDecayMode: AdamWeightDecay,
    schema: AdamFamilySchema,
    layout: OptimizerLayout,
    options: AdamOptions,
  ) {
    const o = parseOptimizerOptions(kind, schema, options);
    this.options = o;
    this.length = resolveLayout(kind, layout).length;
    this.moments = new AdamMoments(kind, this.length, o.beta1, o.beta2, o.eps);
  }

  get stepCount(): number {
    return this.moments.steps;
  }

  step(params: Float32Array, grads: Float32Array, lr: number): void {
    checkStepArgs(this.kind, this.length, params, grads, lr);
    const wd = this.options.weightDecay;
    const l2 = this.weightDecayMode === 'l2';
    this.moments.adamStep(params, grads, lr, l2 ? wd : 0, l2 ? 0 : wd);
  }

  state(): OptimizerState {
    return this.moments.state();
  }

  loadState(state: OptimizerState): void {
    this.moments.loadState(state);
  }
}
