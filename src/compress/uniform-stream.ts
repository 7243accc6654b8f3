/**
 * Uniform draws for the per-entry loops of the randomized compressors, seeded from an Rng (so the
 * stream is still a function of Rng.derive(seed, ...labels)). The same sfc32 generator as Rng, with
 * its state in an Int32Array: Rng keeps uint32 state in object fields, which V8 holds as boxed
 * doubles (tens of ns a draw); here a draw is a few ns, and one stream serves every step.
 */
import type { Rng } from '../util/rng.js';

export class UniformStream {
  private readonly state = new Int32Array(4);

  /** Restarts the stream from `rng`'s next four words. */
  reset(rng: Rng): this {
    const { state } = this;
    for (let i = 0; i < 4; i++) state[i] = rng.nextUint32();
    for (let i = 0; i < 12; i++) this.nextUint32();
    return this;
  }

  nextUint32(): number {
    const { state } = this;
    const a = state[0];
    const b = state[1];
    const c = state[2];
    const d = state[3];
    const t = (((a + b) | 0) + d) | 0;
    state[0] = b ^ (b >>> 9);
    state[1] = (c + (c << 3)) | 0;
    state[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    state[3] = (d + 1) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n), n <= 2^32. */
  int(n: number): number {
    return Math.floor((this.nextUint32() / 4294967296) * n);
  }
}
