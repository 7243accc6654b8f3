/**
 * TernGrad (Wen et al., "TernGrad: Ternary Gradients to Reduce Communication in Distributed Deep
 * Learning", NeurIPS 2017): per tensor, scale s = max|x| over the tensor, and each entry becomes
 * b in {-1, 0, 1} with P(b = sign(x)) = |x| / s, else 0, so that E[s * b] = x (unbiased).
 *
 * `clip` (the paper's gradient clipping, in standard deviations, 2.5 there): before ternarizing,
 * each tensor's entries are clamped to +-clip * sigma, sigma the tensor's standard deviation (about
 * its mean, over its n entries), which shrinks s and so the variance. A tensor with sigma = 0 is
 * left unclipped, or every constant tensor (a one-entry bias among them) would vanish.
 *
 * Tensors are the target's segments; entries outside every segment form one more group
 * (tensor-groups.ts). Wire: part 0 one float32 scale per group; part 1 the b's as 2-bit two's
 * complement codes (0 -> 00, 1 -> 01, -1 -> 11), four per byte as packed-ints.ts lays them out
 * (ceil(n / 4) bytes). Ranks' encodings differ, so they are all-gathered.
 */
import { z } from 'zod';
import { LoomError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { STATELESS, type CompressionTarget, type Compressor, type Encoding } from './compressor.js';
import { packedIntBytes, packInts, unpackInts } from './packed-ints.js';
import type { CompressorPlugin } from './plugin.js';
import { tensorGroups, type TensorRun } from './tensor-groups.js';
import { UniformStream } from './uniform-stream.js';

export class TernGrad implements Compressor {
  readonly name: string;
  readonly aggregation = 'gather' as const;
  readonly fixedSize = true;
  readonly saveState = STATELESS.saveState;
  readonly loadState = STATELESS.loadState;
  /** Number of scales sent: one per tensor, plus one for entries outside every tensor. */
  readonly groups: number;
  private readonly runs: readonly TensorRun[];
  private readonly length: number;
  private readonly rank: number;
  private readonly seed: number;
  private readonly codes: Int8Array;
  private readonly stream = new UniformStream();
  // Per group, reused every step: max|x|, then the scale; sum and count for the mean; clip bound.
  private readonly scales: Float64Array;
  private readonly sums: Float64Array;
  private readonly counts: Float64Array;
  private readonly deviations: Float64Array;
  private readonly bounds: Float64Array;

  constructor(target: Pick<CompressionTarget, 'length' | 'segments' | 'rank' | 'seed'>, readonly clip: number | null = null) {
    if (clip !== null && !(clip > 0 && Number.isFinite(clip))) throw new LoomError(`terngrad clip=${clip} is invalid: expected a number of standard deviations > 0`);
    this.name = clip === null ? 'terngrad' : `terngrad(clip=${clip})`;
    const { count, runs } = tensorGroups(target);
    this.groups = count;
    this.runs = runs;
    this.length = target.length;
    this.rank = target.rank;
    this.seed = target.seed;
    this.codes = new Int8Array(target.length);
    this.scales = new Float64Array(count);
    this.sums = new Float64Array(count);
    this.counts = new Float64Array(count);
    this.deviations = new Float64Array(count);
    this.bounds = new Float64Array(count);
  }

  /** Bytes of every encoding: one float32 scale per group and 2 bits per entry. */
  static payloadBytes(n: number, groups: number): number {
    return 4 * groups + packedIntBytes(n, 2);
  }

  encode(input: Float32Array, step: number): Encoding {
    const { runs, codes, scales, bounds, clip } = this;
    scales.fill(0);
    for (const { group, start, end } of runs) {
      let max = scales[group];
      for (let i = start; i < end; i++) {
        const a = Math.abs(input[i]);
        if (a > max) max = a;
      }
      scales[group] = max;
    }
    if (clip !== null) {
      this.clipBounds(input, clip);
      for (let g = 0; g < this.groups; g++) if (bounds[g] < scales[g]) scales[g] = bounds[g];
    }
    const rng = this.stream.reset(Rng.derive(this.seed, this.rank, step));
    // The float32 sign bits, read as int32: words[i] >> 31 is -1 for a negative entry, 0 otherwise.
    const words = new Int32Array(input.buffer, input.byteOffset, input.length);
    for (const { group, start, end } of runs) {
      const scale = scales[group];
      if (!(scale > 0)) {
        codes.fill(0, start, end);
        continue;
      }
      for (let i = start; i < end; i++) {
        // |b| = floor(p + u) is 1 with probability p = |x'| / scale; clipped entries have p = 1.
        const b = Math.floor(Math.min(Math.abs(input[i]), scale) / scale + rng.next());
        const negative = words[i] >> 31;
        codes[i] = (b ^ negative) - negative;
      }
    }
    const packed = new Uint8Array(packedIntBytes(this.length, 2));
    packInts(codes, this.length, 2, packed);
    return { parts: [{ data: Float32Array.from(scales) }, { data: packed }] };
  }

  decode(encoding: Encoding, out: Float32Array): void {
    const { codes, runs } = this;
    const scales = encoding.parts[0].data as Float32Array;
    if (scales.length !== this.groups) throw new LoomError(`terngrad encoding has ${scales.length} scales, expected ${this.groups}`);
    if (out.length !== this.length) throw new LoomError(`terngrad decodes ${this.length} entries, not ${out.length}`);
    unpackInts(encoding.parts[1].data as Uint8Array, this.length, 2, codes);
    for (const { group, start, end } of runs) {
      const scale = scales[group];
      for (let i = start; i < end; i++) {
        const b = codes[i];
        if (b === -2) throw new LoomError(`terngrad encoding holds the invalid code 10 at entry ${i}`);
        out[i] = b * scale;
      }
    }
  }

  /** bounds[g] = float32(clip * sigma_g), or Infinity where sigma_g = 0. */
  private clipBounds(input: Float32Array, clip: number): void {
    const { runs, sums, counts, deviations, bounds } = this;
    sums.fill(0);
    counts.fill(0);
    deviations.fill(0);
    for (const { group, start, end } of runs) {
      let sum = 0;
      for (let i = start; i < end; i++) sum += input[i];
      sums[group] += sum;
      counts[group] += end - start;
    }
    for (const { group, start, end } of runs) {
      const mean = sums[group] / counts[group];
      let squares = 0;
      for (let i = start; i < end; i++) squares += (input[i] - mean) ** 2;
      deviations[group] += squares;
    }
    for (let g = 0; g < this.groups; g++) {
      const sigma = counts[g] > 0 ? Math.sqrt(deviations[g] / counts[g]) : 0;
      bounds[g] = sigma > 0 ? Math.fround(clip * sigma) : Infinity;
    }
  }
}

const terngradOptions = z.strictObject({
  clip: z.number().gt(0, 'expected a number of standard deviations > 0').optional(),
});

export const terngradPlugin: CompressorPlugin<z.infer<typeof terngradOptions>> = {
  type: 'terngrad',
  options: terngradOptions,
  create: (options, target) => new TernGrad(target, options.clip ?? null),
};
