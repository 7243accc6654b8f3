/**
 * 16-bit floats on the wire: IEEE half (as PyTorch DDP's fp16_compress_hook) or bfloat16 (its
 * bf16_compress_hook; Kalamkar et al., "A Study of BFLOAT16 for Deep Learning Training", 2019).
 * Halves the bytes; the sum is taken in the 16-bit format inside the all-reduce, so it is summable.
 * Round to nearest even; half overflows to infinity beyond 65504, as the hardware format does.
 * Encode and decode run in the native addon where it is loaded (util/half-float.ts), else in JS.
 */
import { z } from 'zod';
import { STATELESS, type Compressor, type Encoding } from './compressor.js';
import { LoomError } from '../util/errors.js';
import { decodeHalfArray, encodeHalfArray } from '../util/half-float.js';
import type { CompressorPlugin } from './plugin.js';

export class HalfPrecision implements Compressor {
  readonly name: string;
  readonly aggregation = 'sum' as const;
  readonly saveState = STATELESS.saveState;
  readonly loadState = STATELESS.loadState;

  constructor(private readonly format: 'f16' | 'bf16') {
    this.name = format === 'f16' ? 'fp16' : 'bf16';
  }

  encode(input: Float32Array): Encoding {
    const data = new Uint16Array(input.length);
    encodeHalfArray(input, data, this.format);
    return { parts: [{ data, half: this.format }] };
  }

  /** A one-line LoomError for an encoding that is not one Uint16Array of out's length (a garbled or hostile push). */
  decode(encoding: Encoding, out: Float32Array): void {
    const data = encoding.parts[0]?.data;
    if (!(data instanceof Uint16Array) || data.length !== out.length) {
      const got = data === undefined ? 'no parts' : `${data.length} x ${data.constructor.name}`;
      throw new LoomError(`${this.name} encoding: expected ${out.length} 16-bit values, got ${got}`);
    }
    decodeHalfArray(data, out, this.format);
  }
}

export const fp16Plugin: CompressorPlugin<Record<string, never>> = {
  type: 'fp16',
  options: z.strictObject({}),
  create: () => new HalfPrecision('f16'),
};

export const bf16Plugin: CompressorPlugin<Record<string, never>> = {
  type: 'bf16',
  options: z.strictObject({}),
  create: () => new HalfPrecision('bf16'),
};
