/**
 * Error feedback around any compressor (Seide et al., "1-Bit Stochastic Gradient Descent and its
 * Application to Data-Parallel Distributed Training of Speech DNNs", Interspeech 2014;
 * Karimireddy et al., "Error Feedback Fixes SignSGD and other Gradient Compression Schemes",
 * ICML 2019): what compression dropped at one step is added to the next step's input, so nothing
 * is lost, only delayed.
 *
 *   corrected = input + residual;  sent = decode(encode(corrected));  residual = corrected - sent
 *
 * Invariant: after steps 1..t, sum(sent) + residual = sum(inputs). The residual is in float32, as
 * the gradient is; on inputs whose sums are exact in float32 the invariant holds exactly.
 */
import { joinState, splitState, type Compressor, type Encoding } from './compressor.js';

export class ErrorFeedback implements Compressor {
  readonly name: string;
  readonly aggregation;
  readonly fixedSize: boolean;
  private readonly residual: Float32Array;
  private readonly corrected: Float32Array;
  private readonly sent: Float32Array;

  constructor(private readonly inner: Compressor, length: number) {
    this.name = `${inner.name}+ef`;
    this.aggregation = inner.aggregation;
    this.fixedSize = inner.fixedSize === true;
    this.residual = new Float32Array(length);
    this.corrected = new Float32Array(length);
    this.sent = new Float32Array(length);
    if (inner.combine) this.combine = (encodings, out) => inner.combine!(encodings, out);
  }

  combine?: Compressor['combine'];

  encode(input: Float32Array, step: number): Encoding {
    const { residual, corrected, sent } = this;
    for (let i = 0; i < corrected.length; i++) corrected[i] = input[i] + residual[i];
    const encoding = this.inner.encode(corrected, step);
    this.inner.decode(encoding, sent);
    for (let i = 0; i < residual.length; i++) residual[i] = corrected[i] - sent[i];
    return encoding;
  }

  decode(encoding: Encoding, out: Float32Array): void {
    this.inner.decode(encoding, out);
  }

  /** The residual not yet sent (a copy). */
  pending(): Float32Array {
    return this.residual.slice();
  }

  /** [residual, then the inner compressor's state]. */
  saveState(): Float32Array {
    return joinState([this.residual], this.inner.saveState());
  }

  loadState(state: Float32Array): void {
    this.inner.loadState(splitState(this.name, state, [this.residual], true));
  }
}
