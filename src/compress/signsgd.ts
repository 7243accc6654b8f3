/**
 * Scaled signSGD (Bernstein et al., "signSGD: Compressed Optimisation for Non-Convex Problems",
 * ICML 2018): each rank sends the signs of its contribution x, 1 bit per element, and one float32
 * scale = ||x||_1 / n, so that the decoded vector (±scale) has x's L1 norm. The encodings are
 * all-gathered and summed.
 *
 * EF-signSGD (Karimireddy et al., "Error Feedback Fixes SignSGD and other Gradient Compression
 * Schemes", ICML 2019) is this compressor inside ErrorFeedback: the plugin 'ef-signsgd'. The paper
 * scales by the learning rate before compressing; here the optimizer applies it after, which is the
 * same method at a constant learning rate.
 *
 * Payload per rank: ceil(n / 8) + 4 bytes.
 */
import { z } from 'zod';
import { LoomError } from '../util/errors.js';
import { STATELESS, type Compressor, type Encoding } from './compressor.js';
import { ErrorFeedback } from './error-feedback.js';
import type { CompressorPlugin } from './plugin.js';
import { addSigns, packSigns, unpackSigns } from './sign-bits.js';

export class SignSgd implements Compressor {
  readonly name = 'signsgd';
  readonly aggregation = 'gather' as const;
  readonly saveState = STATELESS.saveState;
  readonly loadState = STATELESS.loadState;

  constructor(readonly length: number) {}

  encode(input: Float32Array): Encoding {
    const n = this.length;
    if (input.length !== n) throw new LoomError(`signsgd: input has ${input.length} elements, expected ${n}`);
    let l1 = 0;
    for (let i = 0; i < n; i++) l1 += Math.abs(input[i]);
    const scale = new Float32Array([n === 0 ? 0 : l1 / n]);
    return { parts: [{ data: packSigns(input) }, { data: scale }] };
  }

  decode(encoding: Encoding, out: Float32Array): void {
    unpackSigns(encoding.parts[0].data as Uint8Array, out, scaleOf(encoding));
  }

  /** out = the sum over ranks of ±scale, in rank order (as the sum of decodes, without a scratch vector). */
  combine(encodings: readonly Encoding[], out: Float32Array): void {
    out.fill(0);
    for (const encoding of encodings) addSigns(encoding.parts[0].data as Uint8Array, out, scaleOf(encoding));
  }
}

function scaleOf(encoding: Encoding): number {
  const scale = encoding.parts[1]?.data;
  if (!(scale instanceof Float32Array) || scale.length !== 1) throw new LoomError('signsgd encoding: expected one float32 scale');
  return scale[0];
}

const noOptions = z.strictObject({});

export const signsgdPlugin: CompressorPlugin<z.infer<typeof noOptions>> = {
  type: 'signsgd',
  options: noOptions,
  create: (_options, target) => new SignSgd(target.length),
};

/** signSGD with error feedback built in: `errorFeedback` does not wrap it a second time. */
export const efSignsgdPlugin: CompressorPlugin<z.infer<typeof noOptions>> = {
  type: 'ef-signsgd',
  options: noOptions,
  ownErrorFeedback: true,
  create: (_options, target) => new ErrorFeedback(new SignSgd(target.length), target.length),
};
