/**
 * 16-bit floats stored as Uint16Array bit patterns: IEEE 754 binary16 ('f16': 1 sign, 5 exponent,
 * 10 fraction bits) and bfloat16 ('bf16': the top half of a float32: 1, 8, 7).
 *
 * Decoding is exact. Encoding takes any JS number and rounds it once to the nearest value of the
 * format, ties to even (the IEEE default); beyond the largest finite value it gives ±Infinity,
 * below half the smallest subnormal ±0 (sign kept), and NaN becomes the format's quiet NaN.
 * Decoded values are exact in float32, and the sum or product of two of them is exact in a JS
 * number (float64), so "decode, reduce, encode" is one correct rounding per step.
 *
 * The array functions (encodeHalfArray, decodeHalfArray) run in the native addon where it is loaded
 * (native/half.cc: F16C for f16, vectorized integer rounding for bf16; the same bits, NaNs included:
 * src/native/half.test.ts compares every 16-bit pattern) and in the loops here otherwise. The addon's
 * loader is a leaf (node: modules only, loaded on first use), so util/ may reach it.
 */
import { nativeKernels, type NativeHalfKernels } from '../native/index.js';

/** Which 16-bit float a Uint16Array holds. */
export type HalfFormat = 'f16' | 'bf16';

interface Layout {
  fractionBits: number;
  bias: number;
  /** Bits of the exponent field all set: Infinity with a zero fraction, NaN otherwise. */
  infinity: number;
  quietNaN: number;
  sign: number;
  /** The smallest positive magnitude that rounds to Infinity: max finite + half an ulp. */
  overflow: number;
}

function layout(fractionBits: number, exponentBits: number): Layout {
  const bias = 2 ** (exponentBits - 1) - 1;
  const infinity = (2 ** exponentBits - 1) * 2 ** fractionBits;
  return {
    fractionBits,
    bias,
    infinity,
    quietNaN: infinity | (1 << (fractionBits - 1)),
    sign: 1 << (fractionBits + exponentBits),
    overflow: (2 - 2 ** -(fractionBits + 1)) * 2 ** bias,
  };
}

const LAYOUTS: Readonly<Record<HalfFormat, Layout>> = { f16: layout(10, 5), bf16: layout(7, 8) };

/** The value of a 16-bit pattern. */
export function decodeHalf(bits: number, format: HalfFormat): number {
  const { fractionBits, bias, infinity, sign } = LAYOUTS[format];
  const magnitude = bits & (sign - 1);
  const signed = (bits & sign) !== 0 ? -1 : 1;
  const exponent = magnitude >>> fractionBits;
  const fraction = magnitude & ((1 << fractionBits) - 1);
  if (magnitude >= infinity) return fraction === 0 ? signed * Infinity : NaN;
  if (exponent === 0) return signed * fraction * 2 ** (1 - bias - fractionBits); // zero and subnormals
  return signed * (fraction + 2 ** fractionBits) * 2 ** (exponent - bias - fractionBits);
}

/** The 16-bit pattern nearest to `value` (ties to even). */
export function encodeHalf(value: number, format: HalfFormat): number {
  if (Math.fround(value) === value) {
    single[0] = value; // exact in float32: the integer path on its bits
    return halfFromFloat32Bits(singleBits[0], format);
  }
  return roundToHalf(value, format);
}

/** encodeHalf by arithmetic on the value (any JS number; the reference the bit path is tested against). */
export function roundToHalf(value: number, format: HalfFormat): number {
  const { fractionBits, bias, infinity, quietNaN, sign, overflow } = LAYOUTS[format];
  if (Number.isNaN(value)) return quietNaN;
  const signBit = value < 0 || Object.is(value, -0) ? sign : 0;
  const a = Math.abs(value);
  if (a >= overflow) return signBit | infinity;
  if (a < 2 ** (1 - bias)) {
    // Subnormal range: a whole number of the smallest subnormal; 2^fractionBits of them carry
    // into the exponent field and give the smallest normal, as the encoding intends.
    return signBit | roundHalfEven(a * 2 ** (fractionBits + bias - 1));
  }
  const exponent = binaryExponent(a);
  const significand = roundHalfEven(a * 2 ** (fractionBits - exponent)); // in [2^p, 2^(p+1)]
  // A significand that rounded up to 2^(p+1) carries into the exponent by this addition.
  return signBit | (((exponent + bias) << fractionBits) + significand - 2 ** fractionBits);
}

const single = new Float32Array(1);
const singleBits = new Uint32Array(single.buffer);

// floor(log2(a)) for a normal float64, read from its exponent field (exact, unlike Math.log2).
const word = new Float64Array(1);
const words = new Uint32Array(word.buffer);
const HIGH = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 1 : 0; // the high word's index on this machine

function binaryExponent(a: number): number {
  word[0] = a;
  return ((words[HIGH] >>> 20) & 0x7ff) - 1023;
}

/** Nearest integer, ties to even; exact for the scaled values above (< 2^12). */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  return rest > 0.5 || (rest === 0.5 && (floor & 1) === 1) ? floor + 1 : floor;
}

const tables: Partial<Record<HalfFormat, Float64Array>> = {};

/** All 65536 decoded values of a format (built on first use; reductions read through it). */
export function decodeTable(format: HalfFormat): Float64Array {
  let table = tables[format];
  if (!table) {
    table = new Float64Array(65536);
    for (let bits = 0; bits < 65536; bits++) table[bits] = decodeHalf(bits, format);
    tables[format] = table;
  }
  return table;
}

/**
 * The 16-bit pattern nearest to the float32 whose bits are `bits` (ties to even), by integer
 * arithmetic on the bits: the fast path for whole arrays, equal to encodeHalf on every float32.
 */
export function halfFromFloat32Bits(bits: number, format: HalfFormat): number {
  const sign = (bits >>> 16) & 0x8000;
  const a = bits & 0x7fffffff;
  if (format === 'bf16') {
    if (a > 0x7f800000) return 0x7fc0; // NaN: the quiet NaN, as encodeHalf
    return sign | ((a + 0x7fff + ((a >>> 16) & 1)) >>> 16); // a carry past 0x7f7f gives infinity, as it should
  }
  if (a > 0x7f800000) return 0x7e00; // NaN: the quiet NaN, as encodeHalf
  if (a === 0x7f800000) return sign | 0x7c00;
  if (a >= 0x477ff000) return sign | 0x7c00; // 65520 and above round to infinity
  if (a >= 0x38800000) {
    const rebiased = a - 0x38000000; // exponent 127 bias to 15
    return sign | ((rebiased + 0x0fff + ((rebiased >>> 13) & 1)) >>> 13);
  }
  if (a < 0x33000000) return sign; // below 2^-25: zero
  // Subnormal: the value in units of 2^-24, rounded to nearest even (24 bits of significand, shift 14..24).
  const shift = 126 - (a >>> 23);
  const significand = (a & 0x7fffff) | 0x800000;
  let units = significand >>> shift;
  const rest = significand & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rest > half || (rest === half && (units & 1) === 1)) units++;
  return sign | units;
}

/**
 * Arrays shorter than this stay in JavaScript: a call into the addon costs ~0.2 us, about as much
 * as converting this many elements here (measured on a 2-core AMD EPYC, Zen 4, AVX-512).
 */
export const HALF_NATIVE_MIN = 64;

function checkLengths(fn: string, first: string, a: number, second: string, b: number): void {
  if (a !== b) throw new RangeError(`${fn}: ${first} has ${a} elements, ${second} ${b} (they must be equal)`);
}

/**
 * The array conversion `fn` over `input` and `out` (lengths checked first): `native` where the addon
 * is loaded and the arrays have HALF_NATIVE_MIN elements or more, else `js`, its JavaScript loop.
 */
function convertArray<I extends ArrayLike<number>, O extends ArrayLike<number>>(
  fn: string,
  input: I,
  out: O,
  format: HalfFormat,
  js: (input: I, out: O, format: HalfFormat) => void,
  native: (half: NativeHalfKernels) => void,
): void {
  checkLengths(fn, 'input', input.length, 'out', out.length);
  const half = input.length >= HALF_NATIVE_MIN ? nativeKernels()?.half : undefined;
  if (half) native(half);
  else js(input, out, format);
}

/**
 * `out[i]` = the 16-bit pattern nearest to `input[i]` (ties to even), for every i; equal lengths,
 * and `out` must not overlap `input`. Native where the addon is loaded.
 */
export function encodeHalfArray(input: Float32Array, out: Uint16Array, format: HalfFormat): void {
  convertArray('encodeHalfArray', input, out, format, encodeHalfArrayJs, (half) => half.floatsToHalf(input, out, format));
}

/** encodeHalfArray's JavaScript loop (the path without the addon; the tests compare the two). */
export function encodeHalfArrayJs(input: Float32Array, out: Uint16Array, format: HalfFormat): void {
  checkLengths('encodeHalfArray', 'input', input.length, 'out', out.length);
  const bits = new Uint32Array(input.buffer, input.byteOffset, input.length);
  for (let i = 0; i < bits.length; i++) out[i] = halfFromFloat32Bits(bits[i], format);
}

/**
 * `out[i]` = the value of the 16-bit pattern `input[i]` (exact), for every i; equal lengths, and
 * `out` must not overlap `input`. Every NaN pattern gives float32's quiet NaN 0x7fc00000 (what a JS
 * NaN stored into a Float32Array is). Native where the addon is loaded.
 */
export function decodeHalfArray(input: Uint16Array, out: Float32Array, format: HalfFormat): void {
  convertArray('decodeHalfArray', input, out, format, decodeHalfArrayJs, (half) => half.halfToFloats(input, out, format));
}

/** decodeHalfArray's JavaScript loop (the path without the addon; the tests compare the two). */
export function decodeHalfArrayJs(input: Uint16Array, out: Float32Array, format: HalfFormat): void {
  checkLengths('decodeHalfArray', 'input', input.length, 'out', out.length);
  const table = decodeTable(format);
  for (let i = 0; i < out.length; i++) out[i] = table[input[i]];
}
