/**
 * Momentum correction around any compressor (Lin et al., "Deep Gradient Compression", ICLR 2018,
 * Section 3.2, here for every compressor, not only top-k): the momentum moves from the optimizer
 * into the compressor, and error feedback accumulates the momentum-corrected velocity instead of
 * the gradient:
 *
 *   u = m u + input;  v = v + u;  sent = decode(encode(v));  v = v - sent
 *
 * With a lossless compressor this is SGD with momentum m exactly (sent = u every step), so the
 * optimizer that applies the result must be plain SGD. Error feedback around the gradient under an
 * optimizer's momentum instead feeds the residual through the momentum a second time, which
 * diverges for compressors whose scale follows their input (scaled sign, random-k).
 */
import { joinState, splitState, type Compressor, type Encoding } from './compressor.js';

export class MomentumCorrection implements Compressor {
  readonly name: string;
  readonly aggregation;
  readonly fixedSize: boolean;
  combine?: Compressor['combine'];
  private readonly velocity: Float32Array;
  private readonly accumulated: Float32Array;
  private readonly sent: Float32Array;

  constructor(private readonly inner: Compressor, readonly momentum: number, length: number) {
    this.name = `${inner.name}+momentum(${momentum})`;
    this.aggregation = inner.aggregation;
    this.fixedSize = inner.fixedSize === true;
    this.velocity = new Float32Array(length);
    this.accumulated = new Float32Array(length);
    this.sent = new Float32Array(length);
    if (inner.combine) this.combine = (encodings, out) => inner.combine!(encodings, out);
  }

  encode(input: Float32Array, step: number): Encoding {
    const { velocity: u, accumulated: v, sent, momentum } = this;
    for (let i = 0; i < u.length; i++) {
      u[i] = momentum * u[i] + input[i];
      v[i] += u[i];
    }
    const encoding = this.inner.encode(v, step);
    this.inner.decode(encoding, sent);
    for (let i = 0; i < v.length; i++) v[i] -= sent[i];
    return encoding;
  }

  decode(encoding: Encoding, out: Float32Array): void {
    this.inner.decode(encoding, out);
  }

  /** The accumulated velocity not yet sent (a copy). */
  pending(): Float32Array {
    return this.accumulated.slice();
  }

  /** [u, v, then the inner compressor's state]. */
  saveState(): Float32Array {
    return joinState([this.velocity, this.accumulated], this.inner.saveState());
  }

  loadState(state: Float32Array): void {
    this.inner.loadState(splitState(this.name, state, [this.velocity, this.accumulated], true));
  }
}
