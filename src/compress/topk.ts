/**
 * Top-k sparsification (Aji & Heafield, "Sparse Communication for Distributed Gradient Descent",
 * EMNLP 2017; Stich et al., "Sparsified SGD with Memory", NeurIPS 2018, for its error feedback):
 * each rank sends the k = ceil(ratio * n) entries of largest magnitude as (int32 index, float32
 * value) pairs. Ranks choose different indices, so the encodings are all-gathered, not summed.
 * `perTensor` selects ceil(ratio * size) in each tensor instead (as DGC does, Lin et al. 2018), so
 * that tensors whose gradients run small (a CNN's convolutions) are sent at the same rate.
 */
import { z } from 'zod';
import { STATELESS, type Compressor, type Encoding } from './compressor.js';
import type { CompressorPlugin } from './plugin.js';
import { largestMagnitudes } from './largest-magnitudes.js';
import { scatterSparse, sumSparse } from './sparse.js';
import { tensorGroups, type TensorGroups } from './tensor-groups.js';

export class TopK implements Compressor {
  readonly name: string;
  readonly aggregation = 'gather' as const;
  readonly fixedSize = true;
  readonly saveState = STATELESS.saveState;
  readonly loadState = STATELESS.loadState;
  /** Entries sent a step. */
  readonly k: number;
  /** The stretches selected from on their own ([0, length) unless per tensor), and how many each sends. */
  private readonly runs: readonly { readonly start: number; readonly end: number; readonly k: number }[];
  private readonly candidates: Int32Array;
  private readonly magnitudes: Float32Array;

  constructor(readonly ratio: number, length: number, tensors: TensorGroups | null = null) {
    this.name = tensors ? `topk(${ratio}, per tensor)` : `topk(${ratio})`;
    const stretches = tensors ? tensors.runs : [{ start: 0, end: length }];
    this.runs = stretches.map(({ start, end }) => ({ start, end, k: Math.min(end - start, Math.ceil(ratio * (end - start))) }));
    this.k = this.runs.reduce((sum, run) => sum + run.k, 0);
    this.candidates = new Int32Array(length);
    this.magnitudes = new Float32Array(length);
  }

  encode(input: Float32Array): Encoding {
    const indices = new Int32Array(this.k);
    let at = 0;
    for (const run of this.runs) {
      const chosen = largestMagnitudes(input.subarray(run.start, run.end), run.k, this.candidates, this.magnitudes);
      for (let j = 0; j < chosen.length; j++) indices[at + j] = chosen[j]! + run.start;
      at += chosen.length;
    }
    const values = new Float32Array(indices.length);
    for (let j = 0; j < indices.length; j++) values[j] = input[indices[j]];
    return { parts: [{ data: indices }, { data: values }] };
  }

  decode(encoding: Encoding, out: Float32Array): void {
    scatterSparse(encoding, out);
  }

  /** out = the sum of the decodes in rank order, scattered without a dense decode per rank. */
  combine(encodings: readonly Encoding[], out: Float32Array): void {
    sumSparse(encodings, out);
  }
}

/** A fraction in (0, 1]: the share of entries a sparsifier keeps. */
export const keepRatio = z.number().gt(0, 'expected a ratio in (0, 1]').max(1, 'expected a ratio in (0, 1]');

const topkOptions = z.strictObject({
  ratio: keepRatio,
  /** Select ceil(ratio * size) entries in each tensor rather than over the whole vector. */
  perTensor: z.boolean().default(false),
});

export const topkPlugin: CompressorPlugin<z.infer<typeof topkOptions>> = {
  type: 'topk',
  options: topkOptions,
  create: (options, target) => new TopK(options.ratio, target.length, options.perTensor ? tensorGroups(target) : null),
};
