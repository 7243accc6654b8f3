/**
 * The moment estimates of Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization",
 * ICLR), shared by Adam, AdamW and LAMB:
 *
 *   m = beta1*m + (1 - beta1)*g        v = beta2*v + (1 - beta2)*g^2
 *   m̂ = m / (1 - beta1^t)              v̂ = v / (1 - beta2^t)          (t = 1 on the first step)
 *
 * Adam and AdamW use the fused `adamStep`; LAMB updates the moments first (`updateMoments`) and
 * then reads them back to form its layer-wise update.
 */
import type { OptimizerState } from './optimizer.js';
import { restoreState, snapshotState } from './state.js';

/** First and second moments for one range, plus the step count their bias correction needs. */
export class AdamMoments {
  readonly expAvg: Float32Array;
  readonly expAvgSq: Float32Array;
  /** Number of moment updates applied (t after the latest one). */
  steps = 0;

  constructor(
    readonly kind: string,
    length: number,
    readonly beta1: number,
    readonly beta2: number,
    readonly eps: number,
  ) {
    this.expAvg = new Float32Array(length);
    this.expAvgSq = new Float32Array(length);
  }

  /** 1 - beta1^t for the latest update. */
  get biasCorrection1(): number {
    return 1 - Math.pow(this.beta1, this.steps);
  }

  /** 1 - beta2^t for the latest update. */
  get biasCorrection2(): number {
    return 1 - Math.pow(this.beta2, this.steps);
  }

  /**
   * One Adam step in place, fused in one pass, in PyTorch's operation order:
   *   w = w * (1 - lr*decoupledDecay)                       (AdamW)
   *   g = g + l2Decay*w                                     (Adam's L2; uses w before this step)
   *   moments; w = w - (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps)
   */
  adamStep(params: Float32Array, grads: Float32Array, lr: number, l2Decay: number, decoupledDecay: number): void {
    this.steps++;
    const n = params.length;
    const m = this.expAvg;
    const v = this.expAvgSq;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const eps = this.eps;
    const stepSize = lr / this.biasCorrection1;
    const sqrtBc2 = Math.sqrt(this.biasCorrection2);
    const keep = 1 - lr * decoupledDecay;
    for (let i = 0; i < n; i++) {
      const w = params[i]!;
      const g = grads[i]! + l2Decay * w;
      const mi = b1 * m[i]! + (1 - b1) * g;
      const vi = b2 * v[i]! + (1 - b2) * g * g;
      m[i] = mi;
      v[i] = vi;
      params[i] = w * keep - (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
    }
  }

  /** Moment update only, over the whole range; the new values are read back from the buffers. */
  updateMoments(grads: Float32Array): void {
    this.steps++;
    const n = grads.length;
    const m = this.expAvg;
    const v = this.expAvgSq;
    const b1 = this.beta1;
    const b2 = this.beta2;
    for (let i = 0; i < n; i++) {
      const g = grads[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * g;
      v[i] = b2 * v[i]! + (1 - b2) * g * g;
    }
  }

  state(): OptimizerState {
    return snapshotState(this.kind, this.steps, this.buffers());
  }

  loadState(state: OptimizerState): void {
    this.steps = restoreState(this.kind, state, this.buffers());
  }

  private buffers(): Record<string, Float32Array> {
    return { expAvg: this.expAvg, expAvgSq: this.expAvgSq };
  }
}
