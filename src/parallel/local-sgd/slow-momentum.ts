/**
 * Slow momentum (SlowMo: Wang, Tantia, Ballas, Rabbat, "SlowMo: Improving Communication-Efficient
 * Distributed SGD with Slow Momentum", ICLR 2020): an outer momentum step after every exact average
 * of a communication-efficient method (local SGD here). With x0 the model at the previous outer
 * step, x the fresh average and lr the base learning rate,
 *
 *   u <- beta u + (x0 - x) / lr,    x0 <- x0 - alpha lr u,    every rank continues from x0.
 *
 * beta = 0, alpha = 1 is plain local SGD. Every rank computes it from the same average, so it costs
 * no communication; the buffers are the same on every rank and travel in a checkpoint.
 */
export interface SlowMomentumOptions {
  /** The slow momentum factor beta, in [0, 1). */
  readonly beta: number;
  /** The slow learning rate alpha (default 1). */
  readonly alpha: number;
}

export class SlowMomentum {
  /** x0: the model at the last outer step. */
  readonly anchor: Float32Array;
  /** u: the slow momentum buffer. */
  readonly buffer: Float32Array;

  constructor(private readonly options: SlowMomentumOptions, start: Float32Array, resumed: Readonly<Record<string, Float32Array>> | null) {
    this.anchor = Float32Array.from(resumed?.slowAnchor ?? start);
    this.buffer = resumed?.slowBuffer ? Float32Array.from(resumed.slowBuffer) : new Float32Array(start.length);
  }

  /** Starts the outer iterations from `params` (every rank's common model where local steps begin). */
  restart(params: Float32Array): void {
    this.anchor.set(params);
    this.buffer.fill(0);
  }

  /** The outer step from the average now in `params` at base learning rate `lr`; `params` becomes the new anchor. */
  step(params: Float32Array, lr: number): void {
    const { anchor, buffer } = this;
    const { beta, alpha } = this.options;
    // At a zero learning rate (a schedule's very end) the buffer is undefined: keep the average.
    if (!(lr > 0)) {
      anchor.set(params);
      return;
    }
    for (let i = 0; i < params.length; i++) {
      const u = beta * buffer[i]! + (anchor[i]! - params[i]!) / lr;
      buffer[i] = u;
      anchor[i] = anchor[i]! - alpha * lr * u;
    }
    params.set(anchor);
  }

  /** The buffers a checkpoint keeps (named as `resumed` expects them). */
  state(): Record<string, Float32Array> {
    return { slowAnchor: this.anchor.slice(), slowBuffer: this.buffer.slice() };
  }
}
