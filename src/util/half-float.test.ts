import { describe, expect, it } from 'vitest';
import type { HalfFormat } from './half-float.js';
import { decodeHalf, encodeHalf } from './half-float.js';

/** A second, independent decoder: the bits laid into a float64 (f16) or a float32 (bf16) by DataView. */
function referenceDecode(bits: number, format: HalfFormat): number {
  const view = new DataView(new ArrayBuffer(8));
  if (format === 'bf16') {
    view.setUint32(0, bits << 16);
    return view.getFloat32(0);
  }
  const sign = bits >> 15;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0x1f) return fraction ? NaN : sign ? -Infinity : Infinity;
  if (exponent === 0) return (sign ? -1 : 1) * (fraction / 1024) * 2 ** -14;
  // float64: sign, 11-bit exponent (bias 1023), 52-bit fraction whose top 10 bits are the f16's.
  view.setUint32(0, (sign << 31) | ((exponent - 15 + 1023) << 20) | (fraction << 10));
  view.setUint32(4, 0);
  return view.getFloat64(0);
}

function nextDouble(x: number, direction: 1 | -1): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + BigInt(x >= 0 ? direction : -direction));
  return view.getFloat64(0);
}

const FORMATS: readonly HalfFormat[] = ['f16', 'bf16'];
const INF_BITS = { f16: 0x7c00, bf16: 0x7f80 };
const NAN_BITS = { f16: 0x7e00, bf16: 0x7fc0 };
const MAX_FINITE = { f16: 65504, bf16: (2 - 2 ** -7) * 2 ** 127 };
const MIN_SUBNORMAL = { f16: 2 ** -24, bf16: 2 ** -133 };

describe.each(FORMATS)('%s', (format) => {
  const isNaNBits = (bits: number): boolean => (bits & 0x7fff) > INF_BITS[format];

  it('decodes all 65536 patterns as an independent decoder does, and encodes each back to itself', () => {
    for (let bits = 0; bits < 65536; bits++) {
      const value = decodeHalf(bits, format);
      const expected = referenceDecode(bits, format);
      if (!Object.is(value, expected)) throw new Error(`${format} ${bits.toString(16)} decodes to ${value}, expected ${expected}`);
      const back = encodeHalf(value, format);
      const want = isNaNBits(bits) ? NAN_BITS[format] : bits;
      if (back !== want) throw new Error(`${format} ${bits.toString(16)} (${value}) encodes back to ${back.toString(16)}`);
    }
  });

  it('rounds every midpoint between neighbours to the even one, and anything off it to the nearer', () => {
    // Positive finite values in order (bits 0 .. max finite), then Infinity as the next "value".
    const values: number[] = [];
    for (let bits = 0; bits < INF_BITS[format]; bits++) values.push(decodeHalf(bits, format));
    values.push(2 * 2 ** (format === 'f16' ? 15 : 127)); // where the next binade would start
    for (let bits = 0; bits + 1 < values.length; bits++) {
      const low = values[bits];
      const high = values[bits + 1];
      const mid = (low + high) / 2; // exact in float64
      const even = bits % 2 === 0 ? bits : bits + 1;
      for (const sign of [1, -1]) {
        const s = sign < 0 ? 0x8000 : 0;
        const cases: [number, number][] = [
          [sign * mid, s | even],
          [sign * nextDouble(mid, -1), s | bits],
          [sign * nextDouble(mid, 1), s | (bits + 1)],
        ];
        for (const [input, want] of cases) {
          const got = encodeHalf(input, format);
          if (got !== want) throw new Error(`${format}: ${input} encodes to ${got.toString(16)}, expected ${want.toString(16)} (between ${low} and ${high})`);
        }
      }
    }
  });

  it('keeps the sign of zero, flushes below half the smallest subnormal to zero, and saturates to Infinity', () => {
    const tiny = MIN_SUBNORMAL[format];
    expect(encodeHalf(0, format)).toBe(0);
    expect(encodeHalf(-0, format)).toBe(0x8000);
    expect(Object.is(decodeHalf(0x8000, format), -0)).toBe(true);
    expect(encodeHalf(tiny / 2, format)).toBe(0); // a tie with zero: even
    expect(encodeHalf(-tiny / 2, format)).toBe(0x8000);
    expect(encodeHalf(tiny * 0.75, format)).toBe(1);
    expect(encodeHalf(Number.MIN_VALUE, format)).toBe(0);
    expect(encodeHalf(1e-300, format)).toBe(0);
    expect(encodeHalf(Infinity, format)).toBe(INF_BITS[format]);
    expect(encodeHalf(-Infinity, format)).toBe(INF_BITS[format] | 0x8000);
    expect(encodeHalf(1e300, format)).toBe(INF_BITS[format]);
    expect(encodeHalf(MAX_FINITE[format], format)).toBe(INF_BITS[format] - 1);
    expect(encodeHalf(-MAX_FINITE[format], format)).toBe((INF_BITS[format] - 1) | 0x8000);
    expect(encodeHalf(NaN, format)).toBe(NAN_BITS[format]);
    expect(decodeHalf(NAN_BITS[format], format)).toBeNaN();
    expect(decodeHalf(INF_BITS[format] | 1, format)).toBeNaN(); // a signalling pattern is NaN too
  });

  it('agrees with the known values of the format', () => {
    const known: [number, number][] =
      format === 'f16'
        ? [[0x3c00, 1], [0xc000, -2], [0x3555, 0.333251953125], [0x0001, 2 ** -24], [0x03ff, 1023 * 2 ** -24], [0x0400, 2 ** -14], [0x7bff, 65504]]
        : [[0x3f80, 1], [0xc000, -2], [0x3eab, 0.333984375], [0x0001, 2 ** -133], [0x007f, 127 * 2 ** -133], [0x0080, 2 ** -126], [0x7f7f, MAX_FINITE.bf16]];
    for (const [bits, value] of known) {
      expect(decodeHalf(bits, format)).toBe(value);
      expect(encodeHalf(value, format)).toBe(bits);
    }
    expect(encodeHalf(1 / 3, format)).toBe(format === 'f16' ? 0x3555 : 0x3eab);
  });
});

it('bf16 encoding of float32 values matches the round-to-nearest-even bit trick on the float32 bits', () => {
  const view = new DataView(new ArrayBuffer(4));
  let state = 12345;
  for (let i = 0; i < 200_000; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    view.setUint32(0, state);
    const value = view.getFloat32(0);
    if (Number.isNaN(value)) continue;
    const want = (state + 0x7fff + ((state >>> 16) & 1)) >>> 16; // finite inputs: never a NaN pattern
    if (encodeHalf(value, 'bf16') !== want) throw new Error(`${value} (${state.toString(16)}): got ${encodeHalf(value, 'bf16').toString(16)}, expected ${want.toString(16)}`);
  }
});

describe('halfFromFloat32Bits (the array fast path)', () => {
  it('equals the arithmetic rounding on every float32 class: zeros, subnormal ties, normals, overflow, NaN, and a random sweep', async () => {
    const { encodeHalfArray, roundToHalf } = await import('./half-float.js');
    const bits = new Uint32Array(200_000);
    let state = 7;
    for (let i = 0; i < bits.length; i++) bits[i] = state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const edges = [0, 0x80000000, 0x33000000, 0x33000001, 0x337fffff, 0x33800000, 0x38800000, 0x387fffff, 0x38000000, 0x477fefff, 0x477ff000, 0x7f7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0x3f800000, 0x3f801000, 0x3f803000, 0x3f808000, 0x3f818000];
    bits.set(edges);
    for (let e = 0; e < 256; e++) for (let m = 0; m < 32; m++) bits[1000 + e * 32 + m] = (e << 23) | (m << 18) | (m & 1 ? 0x1000 : 0);
    const values = new Float32Array(bits.buffer);
    for (const format of ['f16', 'bf16'] as const) {
      const out = new Uint16Array(values.length);
      encodeHalfArray(values, out, format);
      for (let i = 0; i < values.length; i++) {
        if (out[i] !== roundToHalf(values[i], format)) throw new Error(`${format}: bits 0x${bits[i].toString(16)} (${values[i]}): ${out[i]} != ${roundToHalf(values[i], format)}`);
      }
    }
  });
});
