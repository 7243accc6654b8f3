/**
 * LAMB, layer-wise adaptive moments for batch training (You et al. 2020, "Large Batch
 * Optimization for Deep Learning: Training BERT in 76 minutes", ICLR). Adam's moments with bias
 * correction, then per segment (tensor) l:
 *
 *   r = m̂ / (sqrt(v̂) + eps) + wd*w
 *   trust_l = ||w_l|| / ||r_l||        (1 where either norm is 0; at most maxTrustRatio if set)
 *   w = w - lr*trust_l*r
 *
 * The paper's scaling function phi is the identity here, clamped from above by `maxTrustRatio`
 * when given. No extra buffer: r is formed twice from the stored moments, once for the norms and
 * once for the update, by the same expression, so both see the same values.
 */
import { AdamMoments } from './adam-moments.js';
import { resolveLayout, type ResolvedSegments } from './layout.js';
import type { Optimizer, OptimizerLayout, OptimizerState } from './optimizer.js';
import { lambOptionsSchema, type LambOptions, type LambSettings } from './options/lamb.js';
import { parseOptimizerOptions } from './options/parse.js';
import { checkStepArgs } from './state.js';

export type { LambOptions } from './options/lamb.js';

/** eps 1e-6 and weightDecay 0.01 as in the paper's BERT runs; maxTrustRatio null (unclamped). */
export const LAMB_DEFAULTS: Readonly<LambSettings> = lambOptionsSchema.parse({});

export class LambOptimizer implements Optimizer {
  readonly kind = 'lamb';
  readonly length: number;
  readonly options: Readonly<LambSettings>;
  private readonly segments: ResolvedSegments;
  private readonly moments: AdamMoments;

  constructor(layout: OptimizerLayout, options: LambOptions = {}) {
    const o = parseOptimizerOptions(this.kind, lambOptionsSchema, options);
    this.options = o;
    this.segments = resolveLayout(this.kind, layout);
    this.length = this.segments.length;
    this.moments = new AdamMoments(this.kind, this.length, o.beta1, o.beta2, o.eps);
  }

  get stepCount(): number {
    return this.moments.steps;
  }

  step(params: Float32Array, grads: Float32Array, lr: number): void {
    checkStepArgs(this.kind, this.length, params, grads, lr);
    const moments = this.moments;
    moments.updateMoments(grads);
    const m = moments.expAvg;
    const v = moments.expAvgSq;
    const invBc1 = 1 / moments.biasCorrection1;
    const sqrtBc2 = Math.sqrt(moments.biasCorrection2);
    const eps = this.options.eps;
    const wd = this.options.weightDecay;
    const maxTrust = this.options.maxTrustRatio ?? Infinity;
    const { starts, ends } = this.segments;
    for (let k = 0; k < starts.length; k++) {
      const start = starts[k]!;
      const end = ends[k]!;
      let wSq = 0;
      let rSq = 0;
      for (let i = start; i < end; i++) {
        const w = params[i]!;
        const r = (m[i]! * invBc1) / (Math.sqrt(v[i]!) / sqrtBc2 + eps) + wd * w;
        wSq += w * w;
        rSq += r * r;
      }
      const trust = wSq === 0 || rSq === 0 ? 1 : Math.min(Math.sqrt(wSq) / Math.sqrt(rSq), maxTrust);
      const scale = lr * trust;
      for (let i = start; i < end; i++) {
        const w = params[i]!;
        const r = (m[i]! * invBc1) / (Math.sqrt(v[i]!) / sqrtBc2 + eps) + wd * w;
        params[i] = w - scale * r;
      }
    }
  }

  state(): OptimizerState {
    return this.moments.state();
  }

  loadState(state: OptimizerState): void {
    this.moments.loadState(state);
  }
}
