/**
 * QSGD (Alistarh et al., "QSGD: Communication-Efficient SGD via Gradient Quantization and
 * Encoding", NeurIPS 2017): the vector is cut into buckets of `bucket` consecutive entries; each
 * bucket sends its L2 norm and, per entry, a signed level q in [-s, s], s = 2^(bits-1) - 1, drawn
 * by stochastic rounding of s|x|/norm, so that E[norm * q / s] = x (unbiased).
 *
 * Wire: part 0 the float32 norms (ceil(n / bucket)); part 1 the levels as `bits`-bit two's
 * complement integers, packed as packed-ints.ts lays them out (ceil(n * bits / 8) bytes). Levels
 * are rounded against the float32 norm that is sent. Ranks' encodings differ, so they are
 * all-gathered. The paper's Elias coding of the levels is not applied: the layout stays fixed-size.
 */
import { z } from 'zod';
import { LoomError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { STATELESS, type Compressor, type Encoding } from './compressor.js';
import { packedIntBytes, packInts, unpackInts } from './packed-ints.js';
import type { CompressorPlugin } from './plugin.js';
import { UniformStream } from './uniform-stream.js';

export class Qsgd implements Compressor {
  readonly name: string;
  readonly aggregation = 'gather' as const;
  readonly fixedSize = true;
  readonly saveState = STATELESS.saveState;
  readonly loadState = STATELESS.loadState;
  /** s: the largest level. */
  readonly levels: number;
  readonly buckets: number;
  private readonly codes: Int8Array;
  private readonly stream = new UniformStream();

  constructor(
    readonly bits: number,
    readonly bucket: number,
    private readonly length: number,
    private readonly rank: number,
    private readonly seed: number,
  ) {
    if (!Number.isInteger(bits) || bits < 2 || bits > 8) throw new LoomError(`qsgd bits=${bits} is invalid: expected an integer in 2..8`);
    if (!Number.isInteger(bucket) || bucket < 1) throw new LoomError(`qsgd bucket=${bucket} is invalid: expected an integer >= 1`);
    this.name = `qsgd(bits=${bits},bucket=${bucket})`;
    this.levels = 2 ** (bits - 1) - 1;
    this.buckets = Math.ceil(length / bucket);
    this.codes = new Int8Array(length);
  }

  /** Bytes of every encoding of an n-entry vector. */
  static payloadBytes(n: number, bits: number, bucket: number): number {
    return 4 * Math.ceil(n / bucket) + packedIntBytes(n, bits);
  }

  encode(input: Float32Array, step: number): Encoding {
    const { length: n, bucket, levels: s, codes } = this;
    const norms = new Float32Array(this.buckets);
    const rng = this.stream.reset(Rng.derive(this.seed, this.rank, step));
    // The float32 sign bits, read as int32: words[i] >> 31 is -1 for a negative entry, 0 otherwise.
    const words = new Int32Array(input.buffer, input.byteOffset, input.length);
    for (let b = 0, start = 0; start < n; b++, start += bucket) {
      const end = Math.min(n, start + bucket);
      let squares = 0;
      for (let i = start; i < end; i++) squares += input[i] * input[i];
      // fround is monotone and max|x| is a float32, so |x| <= norm still holds: levels stay <= s.
      const norm = Math.fround(Math.sqrt(squares));
      norms[b] = norm;
      if (!(norm > 0)) {
        codes.fill(0, start, end);
        continue;
      }
      for (let i = start; i < end; i++) {
        // Stochastic rounding without branches: floor(r + u) is floor(r) + 1 with probability frac(r).
        const q = Math.floor((s * Math.abs(input[i])) / norm + rng.next());
        const negative = words[i] >> 31;
        codes[i] = (q ^ negative) - negative;
      }
    }
    const packed = new Uint8Array(packedIntBytes(n, this.bits));
    packInts(codes, n, this.bits, packed);
    return { parts: [{ data: norms }, { data: packed }] };
  }

  decode(encoding: Encoding, out: Float32Array): void {
    const { length: n, bucket, levels: s, codes } = this;
    const norms = encoding.parts[0].data as Float32Array;
    if (norms.length !== this.buckets) throw new LoomError(`qsgd encoding has ${norms.length} bucket norms, expected ${this.buckets}`);
    if (out.length !== n) throw new LoomError(`qsgd decodes ${n} entries, not ${out.length}`);
    unpackInts(encoding.parts[1].data as Uint8Array, n, this.bits, codes);
    for (let b = 0, start = 0; start < n; b++, start += bucket) {
      const end = Math.min(n, start + bucket);
      const unit = norms[b] / s;
      for (let i = start; i < end; i++) {
        const q = codes[i];
        // Two's complement reaches -s - 1, one below the lowest level.
        if (q < -s) throw new LoomError(`qsgd encoding holds level ${q} at entry ${i}, outside -${s}..${s}`);
        out[i] = q * unit;
      }
    }
  }
}

const qsgdOptions = z.strictObject({
  bits: z.number().int().min(2).max(8).default(8),
  bucket: z.number().int().min(1).default(512),
});

export const qsgdPlugin: CompressorPlugin<z.infer<typeof qsgdOptions>> = {
  type: 'qsgd',
  options: qsgdOptions,
  create: (options, target) => new Qsgd(options.bits, options.bucket, target.length, target.rank, target.seed),
};
