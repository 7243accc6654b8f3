/**
 * Threshold sparsification (Strom, "Scalable Distributed DNN Training Using Commodity GPU Cloud
 * Computing", Interspeech 2015): each rank sends every entry with |x| >= threshold as (int32
 * index, float32 value) pairs. How many depends on the gradient, and may be none: an empty
 * encoding is two empty parts and decodes to zeros. Ranks choose different indices, so the
 * encodings are all-gathered. Strom pairs it with error feedback (the residual of what stayed).
 */
import { z } from 'zod';
import { STATELESS, type Compressor, type Encoding } from './compressor.js';
import type { CompressorPlugin } from './plugin.js';
import { scatterSparse, sumSparse } from './sparse.js';

export class Threshold implements Compressor {
  readonly name: string;
  readonly aggregation = 'gather' as const;
  readonly saveState = STATELESS.saveState;
  readonly loadState = STATELESS.loadState;
  private readonly scratch: Int32Array;

  constructor(readonly threshold: number, length: number) {
    this.name = `threshold(${threshold})`;
    this.scratch = new Int32Array(length);
  }

  encode(input: Float32Array): Encoding {
    const { scratch, threshold } = this;
    let count = 0;
    // Branch-free compaction: write every index, advance past the kept ones.
    for (let i = 0; i < input.length; i++) {
      scratch[count] = i;
      count += +(Math.abs(input[i]) >= threshold);
    }
    const indices = scratch.slice(0, count);
    const values = new Float32Array(count);
    for (let j = 0; j < count; j++) values[j] = input[indices[j]];
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

const thresholdOptions = z.strictObject({ threshold: z.number().gt(0, 'expected a threshold > 0') });

export const thresholdPlugin: CompressorPlugin<z.infer<typeof thresholdOptions>> = {
  type: 'threshold',
  options: thresholdOptions,
  create: (options, target) => new Threshold(options.threshold, target.length),
};
