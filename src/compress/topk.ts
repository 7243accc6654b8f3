/**
 * Top-k sparsification (Aji & Heafield, "Sparse Communication for Distributed Gradient Descent",
 * EMNLP 2017; Stich et al., "Sparsified SGD with Memory", NeurIPS 2018, for its error feedback):
 * each rank sends the k = ceil(ratio * n) entries of largest magnitude as (int32 index, float32
 * value) pairs. Ranks choose different indices, so the encodings are all-gathered, not summed.
 */
import { z } from 'zod';
import { STATELESS, type Compressor, type Encoding } from './compressor.js';
import type { CompressorPlugin } from './plugin.js';
import { largestMagnitudes } from './largest-magnitudes.js';
import { scatterSparse, sumSparse } from './sparse.js';

export class TopK implements Compressor {
  readonly name: string;
  readonly aggregation = 'gather' as const;
  readonly fixedSize = true;
  readonly saveState = STATELESS.saveState;
  readonly loadState = STATELESS.loadState;
  readonly k: number;
  private readonly candidates: Int32Array;
  private readonly magnitudes: Float32Array;

  constructor(readonly ratio: number, length: number) {
    this.name = `topk(${ratio})`;
    this.k = Math.min(length, Math.ceil(ratio * length));
    this.candidates = new Int32Array(length);
    this.magnitudes = new Float32Array(length);
  }

  encode(input: Float32Array): Encoding {
    const indices = largestMagnitudes(input, this.k, this.candidates, this.magnitudes);
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

const topkOptions = z.strictObject({ ratio: keepRatio });

export const topkPlugin: CompressorPlugin<z.infer<typeof topkOptions>> = {
  type: 'topk',
  options: topkOptions,
  create: (options, target) => new TopK(options.ratio, target.length),
};
