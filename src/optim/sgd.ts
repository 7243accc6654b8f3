/**
 * Stochastic gradient descent with momentum (Polyak 1964, "Some methods of speeding up the
 * convergence of iteration methods"), Nesterov momentum in the form of Sutskever et al. 2013, "On
 * the importance of initialization and momentum in deep learning" (ICML), and L2 weight decay,
 * all in PyTorch's convention (torch.optim.SGD):
 *
 *   d = g + wd*w
 *   buf = d on the first step, else mu*buf + (1 - dampening)*d
 *   u = nesterov ? d + mu*buf : buf          (u = d without momentum)
 *   w = w - lr*u
 *
 * The element-wise loop is sgd-update.ts: native where the addon is loaded, bit-identical either way.
 */
import type { Optimizer, OptimizerLayout, OptimizerState } from './optimizer.js';
import { resolveLayout } from './layout.js';
import { MomentumState } from './momentum-state.js';
import { sgdUpdate } from './sgd-update.js';
import { parseOptimizerOptions } from './options/parse.js';
import { sgdOptionsSchema, type SgdOptions, type SgdSettings } from './options/sgd.js';
import { checkStepArgs } from './state.js';

export type { SgdOptions } from './options/sgd.js';

export const SGD_DEFAULTS: Readonly<SgdSettings> = sgdOptionsSchema.parse({});

export class SgdOptimizer implements Optimizer {
  readonly kind = 'sgd';
  readonly length: number;
  readonly options: Readonly<SgdSettings>;
  private readonly momentumState: MomentumState;

  constructor(layout: OptimizerLayout, options: SgdOptions = {}) {
    const o = parseOptimizerOptions('sgd', sgdOptionsSchema, options);
    this.options = o;
    this.length = resolveLayout('sgd', layout).length;
    this.momentumState = new MomentumState(this.kind, this.length, o.momentum);
  }

  get stepCount(): number {
    return this.momentumState.steps;
  }

  step(params: Float32Array, grads: Float32Array, lr: number): void {
    checkStepArgs(this.kind, this.length, params, grads, lr);
    const wd = this.options.weightDecay;
    const buf = this.momentumState.buffer;
    const mu = this.options.momentum;
    const first = this.momentumState.steps === 0;
    // buf = carry*buf + gain*d; first step buf = d exactly (carry 0, gain 1).
    const carry = first ? 0 : mu;
    const gain = first ? 1 : 1 - this.options.dampening;
    // u = dWeight*d + bufWeight*buf: (0, 1) plain momentum, (1, mu) Nesterov.
    const dWeight = this.options.nesterov ? 1 : 0;
    const bufWeight = this.options.nesterov ? mu : 1;
    sgdUpdate({ params, grads, momentum: buf, lr, weightDecay: wd, carry, gain, gradWeight: dWeight, momentumWeight: bufWeight });
    this.momentumState.steps++;
  }

  state(): OptimizerState {
    return this.momentumState.state();
  }

  loadState(state: OptimizerState): void {
    this.momentumState.loadState(state);
  }
}
