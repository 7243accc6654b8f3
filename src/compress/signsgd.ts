/**
 * Scaled signSGD (Bernstein et al., "signSGD: Compressed Optimisation for Non-Convex Problems",
 * ICML 2018): each rank sends the signs of its contribution x, 1 bit per element, and a float32
 * scale per tensor = its ||x||_1 / size (or one for the whole vector), so that the decoded vector
 * (±scale) has x's L1 norm tensor by tensor. The encodings are all-gathered and summed.
 *
 * EF-signSGD (Karimireddy et al., "Error Feedback Fixes SignSGD and other Gradient Compression
 * Schemes", ICML 2019) is this compressor inside ErrorFeedback: the plugin 'ef-signsgd'. The paper
 * scales by the learning rate before compressing; here the optimizer applies it after, which is the
 * same method at a constant learning rate.
 *
 * Payload per rank: ceil(n / 8) + 4 x (tensors, +1 if some entries lie outside every tensor) bytes;
 * ceil(n / 8) + 4 with scale 'vector'.
 *
 * With norm 'l2' the scale is ||x||_2 / sqrt(size) instead, so the decoded vector keeps x's L2 norm
 * (1-bit Adam's compression, onebit-adam.ts).
 */
import { z } from 'zod';
import { LoomError } from '../util/errors.js';
import { STATELESS, type CompressionTarget, type Compressor, type Encoding } from './compressor.js';
import { ErrorFeedback } from './error-feedback.js';
import type { CompressorPlugin } from './plugin.js';
import { addSigns, packSigns, unpackSigns } from './sign-bits.js';
import { tensorGroups, type TensorGroups } from './tensor-groups.js';

export class SignSgd implements Compressor {
  readonly name = 'signsgd';
  readonly aggregation = 'gather' as const;
  readonly fixedSize = true;
  readonly saveState = STATELESS.saveState;
  readonly loadState = STATELESS.loadState;
  private readonly groups: TensorGroups;
  private readonly sums: Float64Array;
  /** Entries of each group (fixed by the groups). */
  private readonly counts: Float64Array;

  /**
   * `groups`: one scale per group of entries (per tensor); default one scale for the whole vector.
   * `norm`: the scale is the group's mean |x| ('l1') or its root mean square ('l2').
   */
  constructor(readonly length: number, groups?: TensorGroups, readonly norm: 'l1' | 'l2' = 'l1') {
    this.groups = groups ?? tensorGroups({ length, segments: [] });
    this.sums = new Float64Array(this.groups.count);
    this.counts = new Float64Array(this.groups.count);
    for (const { group, start, end } of this.groups.runs) this.counts[group] += end - start;
  }

  encode(input: Float32Array): Encoding {
    const n = this.length;
    if (input.length !== n) throw new LoomError(`signsgd: input has ${input.length} elements, expected ${n}`);
    const { sums, counts } = this;
    sums.fill(0);
    const l2 = this.norm === 'l2';
    for (const { group, start, end } of this.groups.runs) {
      let sum = 0;
      if (l2) for (let i = start; i < end; i++) sum += input[i] * input[i];
      else for (let i = start; i < end; i++) sum += Math.abs(input[i]);
      sums[group] += sum;
    }
    const scales = Float32Array.from(sums, (sum, g) => (counts[g] === 0 ? 0 : l2 ? Math.sqrt(sum / counts[g]) : sum / counts[g]));
    return { parts: [{ data: packSigns(input) }, { data: scales }] };
  }

  decode(encoding: Encoding, out: Float32Array): void {
    const scales = this.scalesOf(encoding);
    for (const { group, start, end } of this.groups.runs) unpackSigns(encoding.parts[0].data as Uint8Array, out, scales[group], start, end);
  }

  /** out = the sum over ranks of their ±scales, in rank order (as the sum of decodes, without a scratch vector). */
  combine(encodings: readonly Encoding[], out: Float32Array): void {
    out.fill(0);
    for (const encoding of encodings) {
      const scales = this.scalesOf(encoding);
      for (const { group, start, end } of this.groups.runs) addSigns(encoding.parts[0].data as Uint8Array, out, scales[group], start, end);
    }
  }

  /** The encoding's scales, checked: one float32 per group. */
  scalesOf(encoding: Encoding): Float32Array {
    const scales = encoding.parts[1]?.data;
    if (!(scales instanceof Float32Array) || scales.length !== this.groups.count) {
      throw new LoomError(`signsgd encoding: expected ${this.groups.count} float32 scales, got ${scales instanceof Float32Array ? scales.length : 'none'}`);
    }
    return scales;
  }
}

/** `scale`: one L1 mean per tensor (default, as Karimireddy et al.'s experiments, layer-wise) or one for the whole vector. */
const signOptions = z.strictObject({ scale: z.enum(['tensor', 'vector']).default('tensor') });
type SignOptions = z.infer<typeof signOptions>;

function signSgdFor(options: SignOptions, target: CompressionTarget): SignSgd {
  return new SignSgd(target.length, options.scale === 'tensor' ? tensorGroups(target) : undefined);
}

export const signsgdPlugin: CompressorPlugin<SignOptions> = {
  type: 'signsgd',
  options: signOptions,
  create: (options, target) => signSgdFor(options, target),
};

/** signSGD with error feedback built in: `errorFeedback` does not wrap it a second time. */
export const efSignsgdPlugin: CompressorPlugin<SignOptions> = {
  type: 'ef-signsgd',
  options: signOptions,
  ownErrorFeedback: true,
  create: (options, target) => new ErrorFeedback(signSgdFor(options, target), target.length),
};
