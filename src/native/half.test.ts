/**
 * The native 16-bit float kernels (native/half.cc) against the JavaScript path, bit for bit, on
 * every f16 path the CPU has (F16C at 16 and 8 lanes, scalar) and both formats:
 * - decoding: every one of the 65536 patterns (NaN payloads and signs give float32's quiet NaN);
 * - encoding: ±0, ±Infinity, NaNs with payloads and either sign, float32 subnormals, every 16-bit
 *   value, its float32 neighbours, the midpoint to the next value (ties, every f16 subnormal
 *   boundary, the overflow threshold) and its neighbours, with both signs; then 4M random float32
 *   bit patterns (every exponent) and 1M around the f16 range;
 * - the all-reduce's sum: random pattern pairs (NaN, Infinity and subnormals among them), pairs of
 *   special values, cancellations, equal exponents, and into === from;
 * then lengths that leave vector tails, the dispatching functions of util/half-float.ts and
 * comm's reducer, and argument checks. Skipped, with the reason, where the addon is not loaded
 * (except the last case: the fp16 compressor's decode refuses a malformed encoding on either path).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { halfSumJs, reducerFor } from '../comm/kernels/reductions.js';
import { HalfPrecision } from '../compress/fp16.js';
import { LoomError } from '../util/errors.js';
import {
  decodeHalfArray,
  decodeHalfArrayJs,
  encodeHalfArray,
  encodeHalfArrayJs,
  HALF_NATIVE_MIN,
  type HalfFormat,
} from '../util/half-float.js';
import { nativeKernels, nativeStatus, type NativeHalfKernelName } from './index.js';
import { xorshift32 as words } from './test-support/random.js';

const native = nativeKernels();
const half = native?.half ?? null;
const skipReason = native === null ? nativeStatus().reason : 'the loaded addon predates native/half.cc: run npm rebuild';
if (half === null) console.warn(`native half-float tests skipped: ${skipReason}`);

const FORMATS: readonly HalfFormat[] = ['f16', 'bf16'];
const KERNELS: readonly NativeHalfKernelName[] = half?.available ?? [];
const initialKernel = half?.kernel;
afterAll(() => {
  if (half && initialKernel) half.setKernel(initialKernel);
});

const bitsOf = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);
const hex = (x: number, digits: number): string => `0x${x.toString(16).padStart(digits, '0')}`;

/** Fails with the first index where two arrays of bit patterns differ. */
function expectSameBits(what: string, got: ArrayLike<number>, want: ArrayLike<number>, input: (i: number) => string, digits: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) throw new Error(`${what}: ${input(i)} gave ${hex(got[i], digits)}, JavaScript ${hex(want[i], digits)} (index ${i})`);
  }
}

const ALL_PATTERNS = Uint16Array.from({ length: 65536 }, (_, i) => i);

/** The float32 bit patterns of the encode sweep (see the header). */
function specialFloatBits(format: HalfFormat): Uint32Array {
  const out: number[] = [
    0x00000000, 0x80000000, 0x7f800000, 0xff800000, // zeros, infinities
    0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x7fffffff, 0xffffffff, 0x7fa00000, 0xffa00000, 0x7fc01234, 0xff812345, 0x7f802000, 0x7f801fff, // NaNs
    0x00000001, 0x80000001, 0x007fffff, 0x807fffff, 0x00800000, 0x80800000, 0x00400000, // float32 subnormals, the smallest normal
    0x7f7fffff, 0xff7fffff, 0x7f7f8000, 0x7f7f7fff, 0x7f7f8001, 0x7f7effff, // the largest finite float32, bf16's overflow threshold
    0x477fe000, 0x477fefff, 0x477ff000, 0x477ff001, 0xc77ff000, 0x47800000, // f16: 65504, below/at/above 65520, 65536
    0x33000000, 0x33000001, 0x32ffffff, 0x33800000, 0x33c00000, 0x38800000, 0x387fffff, 0x387fc000, 0x387fe000, // f16 subnormal edges
  ];
  const values = new Float32Array(65536);
  decodeHalfArrayJs(ALL_PATTERNS, values, format);
  const valueBits = bitsOf(values);
  const infinity = format === 'f16' ? 0x7c00 : 0x7f80;
  const scratch = new Float32Array(1);
  const scratchBits = bitsOf(scratch);
  for (let h = 0; h <= infinity; h++) {
    const v = valueBits[h];
    out.push(v, v + 1, v - 1);
    if (h < infinity) {
      scratch[0] = (values[h] + values[h + 1]) / 2; // the tie to the next value: exact in float32 (12 significant bits at most)
      if (h + 1 === infinity) scratch[0] = format === 'f16' ? 65520 : (2 - 2 ** -8) * 2 ** 127; // the overflow threshold
      const m = scratchBits[0];
      out.push(m, m + 1, m - 1);
    }
  }
  const n = out.length;
  for (let i = 0; i < n; i++) out.push(out[i] ^ 0x80000000); // the other sign
  return Uint32Array.from(out, (b) => b >>> 0);
}

/** 4M uniformly random float32 bit patterns, then 1M with exponents around the f16 range. */
function randomFloatBits(seed: number): Uint32Array {
  const next = words(seed);
  const out = new Uint32Array(5_000_000);
  for (let i = 0; i < 4_000_000; i++) out[i] = next();
  for (let i = 4_000_000; i < out.length; i++) {
    const w = next();
    const exponent = 95 + (w % 60); // 2^-32 .. 2^27: f16 subnormals through overflow
    out[i] = ((w & 0x80000000) | (exponent << 23) | (next() & 0x7fffff)) >>> 0;
  }
  return out;
}

/** Pairs of 16-bit patterns for the sum: random, special x special, cancellations, equal exponents, subnormals. */
function sumPairs(format: HalfFormat, seed: number): [Uint16Array, Uint16Array] {
  const next = words(seed);
  const f16 = format === 'f16';
  const specials = f16
    ? [0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0xfe00, 0x7c01, 0xfdff, 0x0001, 0x8001, 0x03ff, 0x83ff, 0x0400, 0x8400, 0x7bff, 0xfbff, 0x3c00, 0xbc00, 0x7800, 0x0200]
    : [0x0000, 0x8000, 0x7f80, 0xff80, 0x7fc0, 0xffc0, 0x7f81, 0xffff, 0x0001, 0x8001, 0x007f, 0x807f, 0x0080, 0x8080, 0x7f7f, 0xff7f, 0x3f80, 0xbf80, 0x7f00, 0x0040];
  const a: number[] = [];
  const b: number[] = [];
  for (const x of specials) for (const y of specials) a.push(x), b.push(y);
  const exponentMask = f16 ? 0x7c00 : 0x7f80;
  const fraction = f16 ? 0x3ff : 0x7f;
  for (let i = 0; i < 1_000_000; i++) {
    const x = next() & 0xffff;
    const kind = i % 5;
    let y = next() & 0xffff;
    if (kind === 1) y = (x ^ 0x8000) + (next() & 0xff); // near-cancellation
    if (kind === 2) y = (x & (0x8000 | exponentMask)) | (next() & fraction); // the same exponent: carries and ties
    if (kind === 3) y = (next() & 0x8000) | (next() & (f16 ? 0x3ff : 0x7f)); // a subnormal (or zero)
    if (kind === 4) y = specials[next() % specials.length];
    a.push(x);
    b.push(y & 0xffff);
  }
  return [Uint16Array.from(a), Uint16Array.from(b)];
}

describe.skipIf(half === null)('native 16-bit floats, bit for bit the JavaScript path', () => {
  it('decode every 16-bit pattern, on every f16 path', () => {
    for (const format of FORMATS) {
      const want = new Float32Array(65536);
      decodeHalfArrayJs(ALL_PATTERNS, want, format);
      for (const kernel of KERNELS) {
        half!.setKernel(kernel);
        const got = new Float32Array(65536).fill(0.5);
        half!.halfToFloats(ALL_PATTERNS, got, format);
        expectSameBits(`${format} decode (${kernel})`, bitsOf(got), bitsOf(want), (i) => hex(i, 4), 8);
      }
    }
  });

  it('encode zeros, infinities, NaNs, subnormals, every 16-bit value, its neighbours and ties, and the overflow threshold', () => {
    for (const format of FORMATS) {
      const bits = specialFloatBits(format);
      const input = new Float32Array(bits.buffer);
      const want = new Uint16Array(input.length);
      encodeHalfArrayJs(input, want, format);
      for (const kernel of KERNELS) {
        half!.setKernel(kernel);
        const got = new Uint16Array(input.length).fill(0x1234);
        half!.floatsToHalf(input, got, format);
        expectSameBits(`${format} encode (${kernel})`, got, want, (i) => `float32 ${hex(bits[i], 8)}`, 4);
      }
    }
  });

  it('encode 5M random float32 bit patterns', () => {
    const bits = randomFloatBits(20240607);
    const input = new Float32Array(bits.buffer);
    const got = new Uint16Array(input.length);
    const want = new Uint16Array(input.length);
    for (const format of FORMATS) {
      encodeHalfArrayJs(input, want, format);
      for (const kernel of KERNELS) {
        half!.setKernel(kernel);
        got.fill(0x1234);
        half!.floatsToHalf(input, got, format);
        expectSameBits(`${format} encode (${kernel})`, got, want, (i) => `float32 ${hex(bits[i], 8)}`, 4);
      }
    }
  });

  it('sum random and special pairs (NaN, Infinity, subnormals, cancellations), and an array with itself', () => {
    for (const format of FORMATS) {
      const [a, b] = sumPairs(format, format === 'f16' ? 11 : 13);
      const want = a.slice();
      halfSumJs(format)(want, b);
      const doubledWant = a.slice();
      halfSumJs(format)(doubledWant, doubledWant);
      for (const kernel of KERNELS) {
        half!.setKernel(kernel);
        const got = a.slice();
        half!.halfSum(got, b, format);
        expectSameBits(`${format} sum (${kernel})`, got, want, (i) => `${hex(a[i], 4)} + ${hex(b[i], 4)}`, 4);
        const doubled = a.slice();
        half!.halfSum(doubled, doubled, format);
        expectSameBits(`${format} doubling (${kernel})`, doubled, doubledWant, (i) => `${hex(a[i], 4)} + itself`, 4);
      }
    }
  });

  it('every length from 0 to 70 at odd offsets (vector tails), and arrays over shared memory', () => {
    const next = words(99);
    const pool = new Float32Array(80).map(() => (next() / 2 ** 32 - 0.5) * 2 ** ((next() % 40) - 20));
    const patterns = Uint16Array.from({ length: 80 }, () => next() & 0xffff);
    const others = Uint16Array.from({ length: 80 }, () => next() & 0xffff);
    for (const format of FORMATS) {
      for (const kernel of KERNELS) {
        half!.setKernel(kernel);
        for (let n = 0; n <= 70; n++) {
          const src = pool.subarray(3, 3 + n);
          const want = new Uint16Array(n);
          encodeHalfArrayJs(src, want, format);
          const got = new Uint16Array(n + 1).subarray(1);
          half!.floatsToHalf(src, got, format);
          expectSameBits(`${format} encode n=${n} (${kernel})`, got, want, (i) => String(src[i]), 4);

          const halves = patterns.subarray(1, 1 + n);
          const decodedWant = new Float32Array(n);
          decodeHalfArrayJs(halves, decodedWant, format);
          const decoded = new Float32Array(n + 1).subarray(1);
          half!.halfToFloats(halves, decoded, format);
          expectSameBits(`${format} decode n=${n} (${kernel})`, bitsOf(decoded), bitsOf(decodedWant), (i) => hex(halves[i], 4), 8);

          const sumWant = halves.slice();
          halfSumJs(format)(sumWant, others.subarray(5, 5 + n));
          const sum = new Uint16Array(n + 3).subarray(3);
          sum.set(halves);
          half!.halfSum(sum, others.subarray(5, 5 + n), format);
          expectSameBits(`${format} sum n=${n} (${kernel})`, sum, sumWant, (i) => hex(halves[i], 4), 4);
        }
      }
      // SharedArrayBuffer views (the all-reduce's transports use them).
      const n = 1000;
      const shared = new Float32Array(new SharedArrayBuffer(n * 4));
      for (let i = 0; i < n; i++) shared[i] = pool[i % pool.length] * (i + 1);
      const sharedHalves = new Uint16Array(new SharedArrayBuffer(n * 2));
      half!.floatsToHalf(shared, sharedHalves, format);
      const want = new Uint16Array(n);
      encodeHalfArrayJs(shared, want, format);
      expectSameBits(`${format} encode, shared memory`, sharedHalves, want, (i) => String(shared[i]), 4);
    }
  });

  it('util/half-float.ts and the all-reduce reducer dispatch to it and agree with their JavaScript loops on both sides of the threshold', () => {
    const next = words(5);
    for (const format of FORMATS) {
      for (const n of [1, HALF_NATIVE_MIN - 1, HALF_NATIVE_MIN, 4096 + 17]) {
        const input = new Float32Array(n).map(() => (next() / 2 ** 32 - 0.5) * 2 ** ((next() % 30) - 10));
        const encoded = new Uint16Array(n);
        const encodedJs = new Uint16Array(n);
        encodeHalfArray(input, encoded, format);
        encodeHalfArrayJs(input, encodedJs, format);
        expectSameBits(`encodeHalfArray ${format} n=${n}`, encoded, encodedJs, (i) => String(input[i]), 4);
        const decoded = new Float32Array(n);
        const decodedJs = new Float32Array(n);
        decodeHalfArray(encoded, decoded, format);
        decodeHalfArrayJs(encoded, decodedJs, format);
        expectSameBits(`decodeHalfArray ${format} n=${n}`, bitsOf(decoded), bitsOf(decodedJs), (i) => hex(encoded[i], 4), 8);
        const other = Uint16Array.from({ length: n }, () => next() & 0xffff);
        const summed = encoded.slice();
        reducerFor('test', summed, 'sum', format).combine(summed, other);
        const summedJs = encoded.slice();
        halfSumJs(format)(summedJs, other);
        expectSameBits(`reducer sum ${format} n=${n}`, summed, summedJs, (i) => hex(encoded[i], 4), 4);
      }
    }
    expect(() => encodeHalfArray(new Float32Array(100), new Uint16Array(99), 'f16')).toThrow('encodeHalfArray: input has 100 elements, out 99 (they must be equal)');
    expect(() => encodeHalfArrayJs(new Float32Array(3), new Uint16Array(4), 'f16')).toThrow('encodeHalfArray: input has 3 elements, out 4 (they must be equal)');
    expect(() => decodeHalfArray(new Uint16Array(100), new Float32Array(101), 'bf16')).toThrow('decodeHalfArray: input has 100 elements, out 101 (they must be equal)');
  });

  it('checks its arguments: lengths, format, types, overlap, the path name', () => {
    const h = half!;
    const binding = native!.binding as unknown as Record<string, (...args: unknown[]) => unknown>;
    expect(() => h.floatsToHalf(new Float32Array(5), new Uint16Array(4), 'f16')).toThrow('floatsToHalf: src has 5 elements, dst 4 (they must be equal)');
    expect(() => h.halfToFloats(new Uint16Array(2), new Float32Array(3), 'bf16')).toThrow('halfToFloats: src has 2 elements, dst 3 (they must be equal)');
    expect(() => h.halfSum(new Uint16Array(7), new Uint16Array(8), 'f16')).toThrow('halfSum: into has 7 elements, from 8 (they must be equal)');
    expect(() => h.halfSum(new Uint16Array(1), new Uint16Array(1), 'fp16' as HalfFormat)).toThrow("halfSum: format must be 'f16' or 'bf16' (got 'fp16')");
    expect(() => binding.floatsToHalf(new Float32Array(1), new Uint16Array(1), 16)).toThrow("floatsToHalf: format must be 'f16' or 'bf16' (got 16)");
    expect(() => binding.floatsToHalf(new Float64Array(1), new Uint16Array(1), 'f16')).toThrow('floatsToHalf: src must be a Float32Array (got an object)');
    expect(() => binding.halfToFloats(new Int16Array(1), new Float32Array(1), 'f16')).toThrow('halfToFloats: src must be a Uint16Array (got an object)');
    expect(() => binding.halfSum(new Uint16Array(1), new Uint16Array(1))).toThrow('halfSum: expected 3 arguments, got 2');
    const buffer = new ArrayBuffer(64);
    expect(() => h.floatsToHalf(new Float32Array(buffer, 0, 8), new Uint16Array(buffer, 16, 8), 'f16')).toThrow(/floatsToHalf: dst \(bytes .*\) overlaps src/);
    expect(() => h.halfToFloats(new Uint16Array(buffer, 0, 8), new Float32Array(buffer, 8, 8), 'f16')).toThrow(/halfToFloats: dst \(bytes .*\) overlaps src/);
    expect(() => h.halfSum(new Uint16Array(buffer, 0, 8), new Uint16Array(buffer, 2, 8), 'f16')).toThrow(/halfSum: into \(bytes .*\) overlaps from/);
    h.floatsToHalf(new Float32Array(0), new Uint16Array(0), 'f16'); // empty: nothing to do
    h.halfSum(new Uint16Array(0), new Uint16Array(0), 'bf16');
    expect(() => h.setKernel('sse' as NativeHalfKernelName)).toThrow(/setHalfKernel: name \(a path this CPU supports\) must be .*'portable' \(got 'sse'\)/);
    const previous = h.setKernel('portable');
    expect(h.kernel).toBe('portable');
    expect(h.setKernel(previous)).toBe('portable');
    expect(h.available.at(-1)).toBe('portable');
  });
});

it('the fp16/bf16 compressor refuses a malformed encoding with a LoomError (a robust server turns it into NaNs)', () => {
  for (const n of [10, 100]) { // the JavaScript loop and, where loaded, the addon
    const compressor = new HalfPrecision('f16');
    const out = new Float32Array(n);
    const good = compressor.encode(Float32Array.from({ length: n }, (_, i) => i));
    compressor.decode(good, out);
    expect(out[n - 1]).toBe(n - 1);
    for (const bad of [
      { parts: [] },
      { parts: [{ data: new Uint16Array(n - 1), half: 'f16' as const }] },
      { parts: [{ data: new Uint16Array(n + 1), half: 'f16' as const }] },
      { parts: [{ data: new Float32Array(n) }] },
    ]) {
      expect(() => compressor.decode(bad, out)).toThrow(LoomError);
    }
    expect(() => compressor.decode({ parts: [{ data: new Uint8Array(n) }] }, out)).toThrow(`fp16 encoding: expected ${n} 16-bit values, got ${n} x Uint8Array`);
  }
});
