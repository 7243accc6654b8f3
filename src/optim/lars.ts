/**
 * LARS, layer-wise adaptive rate scaling (You, Gitman & Ginsburg 2017, "Large Batch Training of
 * Convolutional Networks", arXiv:1708.03888). Per segment (tensor) l:
 *
 *   trust_l = eta*||w_l|| / (||g_l|| + wd*||w_l||)      (1 where ||w_l|| or ||g_l|| is 0)
 *   d = trust_l * (g + wd*w)
 *   buf = mu*buf + d;   w = w - lr*buf                   (w = w - lr*d without momentum)
 *
 * The global lr multiplies the buffer on the way out (PyTorch's SGD convention, as torchlars and
 * the SimCLR/BYOL LARS) where the paper puts it inside (buf = mu*buf + lr*d); the two agree while
 * lr is constant.
 *
 * `excludeBiases` (default true, the common practice of SimCLR, BYOL and MLPerf ResNet LARS):
 * segments whose shape is 1-D (biases, batch-norm scales and shifts) get trust 1 and no weight
 * decay, i.e. plain momentum SGD. A segment without a shape counts as a matrix.
 */
import { resolveLayout, type ResolvedSegments } from './layout.js';
import type { Optimizer, OptimizerLayout, OptimizerState } from './optimizer.js';
import { MomentumState } from './momentum-state.js';
import { larsOptionsSchema, type LarsOptions, type LarsSettings } from './options/lars.js';
import { parseOptimizerOptions } from './options/parse.js';
import { checkStepArgs } from './state.js';

export type { LarsOptions } from './options/lars.js';

export const LARS_DEFAULTS: Readonly<LarsSettings> = larsOptionsSchema.parse({});

export class LarsOptimizer implements Optimizer {
  readonly kind = 'lars';
  readonly length: number;
  readonly options: Readonly<LarsSettings>;
  private readonly segments: ResolvedSegments;
  private readonly momentumState: MomentumState;

  constructor(layout: OptimizerLayout, options: LarsOptions = {}) {
    const o = parseOptimizerOptions(this.kind, larsOptionsSchema, options);
    this.options = o;
    this.segments = resolveLayout(this.kind, layout);
    this.length = this.segments.length;
    this.momentumState = new MomentumState(this.kind, this.length, o.momentum);
  }

  get stepCount(): number {
    return this.momentumState.steps;
  }

  step(params: Float32Array, grads: Float32Array, lr: number): void {
    checkStepArgs(this.kind, this.length, params, grads, lr);
    const { starts, ends, isVector } = this.segments;
    const { weightDecay, trustCoefficient, excludeBiases } = this.options;
    const buf = this.momentumState.buffer;
    // First step: buf = d exactly, whatever the buffer holds.
    const carry = this.momentumState.steps === 0 ? 0 : this.options.momentum;
    for (let k = 0; k < starts.length; k++) {
      const start = starts[k]!;
      const end = ends[k]!;
      const adapt = !(excludeBiases && isVector[k]!);
      const wd = adapt ? weightDecay : 0;
      const trust = adapt ? larsTrustRatio(params, grads, start, end, trustCoefficient, wd) : 1;
      if (buf === null) {
        for (let i = start; i < end; i++) {
          const w = params[i]!;
          params[i] = w - lr * trust * (grads[i]! + wd * w);
        }
      } else {
        for (let i = start; i < end; i++) {
          const w = params[i]!;
          const b = carry * buf[i]! + trust * (grads[i]! + wd * w);
          buf[i] = b;
          params[i] = w - lr * b;
        }
      }
    }
    this.momentumState.steps++;
  }

  state(): OptimizerState {
    return this.momentumState.state();
  }

  loadState(state: OptimizerState): void {
    this.momentumState.loadState(state);
  }
}

/** eta*||w|| / (||g|| + wd*||w||) over [start, end), or 1 where either norm is 0. */
export function larsTrustRatio(
  params: Float32Array,
  grads: Float32Array,
  start: number,
  end: number,
  trustCoefficient: number,
  weightDecay: number,
): number {
  let wSq = 0;
  let gSq = 0;
  for (let i = start; i < end; i++) {
    const w = params[i]!;
    const g = grads[i]!;
    wSq += w * w;
    gSq += g * g;
  }
  if (wSq === 0 || gSq === 0) return 1;
  const wNorm = Math.sqrt(wSq);
  return (trustCoefficient * wNorm) / (Math.sqrt(gSq) + weightDecay * wNorm);
}
