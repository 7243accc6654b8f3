/**
 * Deep Gradient Compression (Lin et al., "Deep Gradient Compression: Reducing the Communication
 * Bandwidth for Distributed Training", ICLR 2018): top-k sparsification with
 * - momentum correction: u = momentum*u + x; v = v + u; send the top-k of v by magnitude;
 * - momentum factor masking: u and v are zeroed where they were sent (v is the residual, so error
 *   feedback is part of the method and the plugin declares `ownErrorFeedback`);
 * - warm-up (`warmupSteps`): the kept ratio falls exponentially from 0.25 to `ratio`, one stage per
 *   warmupSteps/4 steps (for ratio 0.001: 25%, 6.3%, 1.6%, 0.4%, then 0.1%, the paper's 75%,
 *   93.75%, 98.4375%, 99.6%, 99.9% sparsity); a ratio of 0.25 or more is kept from the start;
 * - local gradient clipping (`clip`, optional): `clip` bounds the L2 norm of the summed gradient,
 *   so each of the N ranks clips its contribution at clip / sqrt(N), before adding it to u.
 *
 * The momentum is inside the compressor: the optimizer applied to the result must be plain SGD
 * WITHOUT momentum, or the momentum is applied twice.
 *
 * Encoding: sparse.ts's (int32 indices, float32 values), all-gathered. Payload per rank: 8k bytes,
 * k = min(n, ceil(keep * n)) for the step's kept ratio. State: [u, v].
 */
import { z } from 'zod';
import { LoomError } from '../util/errors.js';
import { joinState, splitState, type CompressionTarget, type Compressor, type Encoding } from './compressor.js';
import type { CompressorPlugin } from './plugin.js';
import { largestMagnitudes } from './largest-magnitudes.js';
import { scatterSparse, sumSparse } from './sparse.js';
import { keepRatio } from './topk.js';

/** The first warm-up stage's kept ratio (the paper's 75% sparsity). */
const WARMUP_START = 0.25;
const WARMUP_STAGES = 4;

export interface DgcOptions {
  readonly ratio: number;
  readonly momentum: number;
  readonly warmupSteps: number;
  readonly clip?: number | undefined;
}

export class Dgc implements Compressor {
  readonly name: string;
  readonly aggregation = 'gather' as const;
  private readonly u: Float32Array;
  private readonly v: Float32Array;
  private readonly candidates: Int32Array;
  private readonly magnitudes: Float32Array;
  /** The local clipping threshold, clip / sqrt(N); null without clipping. */
  private readonly localClip: number | null;

  constructor(readonly options: DgcOptions, target: Pick<CompressionTarget, 'length' | 'size'>) {
    this.name = `dgc(${options.ratio})`;
    this.u = new Float32Array(target.length);
    this.v = new Float32Array(target.length);
    this.candidates = new Int32Array(target.length);
    this.magnitudes = new Float32Array(target.length);
    this.localClip = options.clip === undefined ? null : options.clip / Math.sqrt(target.size);
  }

  /** The ratio kept at a step (0-based), warm-up included. */
  keepRatioAt(step: number): number {
    const { ratio, warmupSteps } = this.options;
    if (ratio >= WARMUP_START || step >= warmupSteps) return ratio;
    const stage = Math.floor((Math.max(0, step) * WARMUP_STAGES) / warmupSteps);
    return WARMUP_START * Math.pow(ratio / WARMUP_START, stage / WARMUP_STAGES);
  }

  /** Entries sent at a step. */
  kAt(step: number): number {
    const n = this.u.length;
    return Math.min(n, Math.ceil(this.keepRatioAt(step) * n));
  }

  encode(input: Float32Array, step: number): Encoding {
    const { u, v } = this;
    const n = u.length;
    if (input.length !== n) throw new LoomError(`dgc: input has ${input.length} elements, expected ${n}`);
    const momentum = this.options.momentum;
    let scale = 1;
    if (this.localClip !== null) {
      let squares = 0;
      for (let i = 0; i < n; i++) squares += input[i] * input[i];
      const norm = Math.sqrt(squares);
      if (norm > this.localClip) scale = this.localClip / norm;
    }
    if (scale === 1) {
      for (let i = 0; i < n; i++) {
        u[i] = momentum * u[i] + input[i];
        v[i] += u[i];
      }
    } else {
      for (let i = 0; i < n; i++) {
        u[i] = momentum * u[i] + Math.fround(scale * input[i]);
        v[i] += u[i];
      }
    }
    const indices = largestMagnitudes(v, this.kAt(step), this.candidates, this.magnitudes);
    const values = new Float32Array(indices.length);
    for (let j = 0; j < indices.length; j++) {
      const index = indices[j];
      values[j] = v[index];
      u[index] = 0;
      v[index] = 0;
    }
    return { parts: [{ data: indices }, { data: values }] };
  }

  decode(encoding: Encoding, out: Float32Array): void {
    scatterSparse(encoding, out);
  }

  /** out = the sum of the decodes in rank order, without a scratch vector. */
  combine(encodings: readonly Encoding[], out: Float32Array): void {
    sumSparse(encodings, out);
  }

  /** The accumulated v not yet sent (a copy). */
  pending(): Float32Array {
    return this.v.slice();
  }

  /** [u, v]. */
  saveState(): Float32Array {
    return joinState([this.u, this.v]);
  }

  loadState(state: Float32Array): void {
    splitState(this.name, state, [this.u, this.v], false);
  }
}

const dgcOptions = z.strictObject({
  ratio: keepRatio.default(0.001),
  momentum: z.number().min(0, 'expected a momentum in [0, 1)').lt(1, 'expected a momentum in [0, 1)').default(0.9),
  warmupSteps: z.number().int('expected a whole number of steps').min(0, 'expected a whole number of steps').default(0),
  clip: z.number().gt(0, 'expected a positive L2 norm').optional(),
});

export const dgcPlugin: CompressorPlugin<z.infer<typeof dgcOptions>> = {
  type: 'dgc',
  options: dgcOptions,
  ownErrorFeedback: true,
  ownMomentum: true,
  create: (options, target) => new Dgc(options, target),
};
