/**
 * Model averaging through a compressor (Qsparse-local-SGD: Basu, Data, Karakus, Diggavi,
 * "Qsparse-local-SGD: Distributed SGD with Quantization, Sparsification, and Local Computations",
 * NeurIPS 2019): every rank compresses how far its model moved since the last average (its delta
 * from the common anchor), the deltas are summed by the compressor's collective, and every rank
 * continues from anchor + sum / n, which becomes the next anchor. Compressing the delta rather than
 * the model is what makes it work: the delta is small and, with error feedback, what one average
 * drops is sent at a later one. Every rank ends with the same model, bit for bit.
 */
import type { Communicator, OpOptions } from '../../comm/index.js';
import type { CompressionSpec, CompressionTarget } from '../../compress/index.js';
import { CompressedSum } from './compressed-sum.js';

/** Keys of this averaging's buffers in a rank's checkpointed strategy state. */
const ANCHOR_KEY = 'averageAnchor';
const COMPRESSOR_KEY = 'compressor';

export class CompressedAverage {
  private readonly compressed: CompressedSum;
  /** The model of the last average: the same on every rank. */
  private readonly anchor: Float32Array;
  private readonly delta: Float32Array;

  constructor(comm: Communicator, spec: CompressionSpec, target: Omit<CompressionTarget, 'rank' | 'size'>, start: Float32Array, resumed: Readonly<Record<string, Float32Array>> | null, limits: () => OpOptions) {
    this.compressed = CompressedSum.create(comm, spec, target, resumed?.[COMPRESSOR_KEY], limits);
    this.anchor = Float32Array.from(resumed?.[ANCHOR_KEY] ?? start);
    this.delta = new Float32Array(start.length);
  }

  /** Starts the averages from `params` (the ranks' common model where local steps begin). */
  restart(params: Float32Array): void {
    this.anchor.set(params);
  }

  /** Every rank's `params` replaced by anchor + (compressed sum of the deltas) / n; collective. */
  async average(params: Float32Array, step: number, size: number): Promise<void> {
    const { anchor, delta } = this;
    for (let i = 0; i < params.length; i++) delta[i] = params[i]! - anchor[i]!;
    await this.compressed.sum(delta, delta, step);
    for (let i = 0; i < params.length; i++) params[i] = anchor[i]! + delta[i]! / size;
    anchor.set(params);
  }

  /** The buffers a checkpoint keeps, named as the constructor's `resumed` expects them. */
  state(): Record<string, Float32Array> {
    const compressor = this.compressed.method.saveState();
    return { [ANCHOR_KEY]: this.anchor.slice(), ...(compressor ? { [COMPRESSOR_KEY]: compressor } : {}) };
  }
}
