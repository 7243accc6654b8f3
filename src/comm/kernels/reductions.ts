/**
 * Element-wise reductions for every element type the collectives carry, as `combine(into, from)`
 * (into[i] = into[i] ⊕ from[i]) plus the 'mean' step. Float32 sum and mean do not come here: the
 * transports add float32 as it arrives (float-kernels.ts), and the communicator keeps that path.
 *
 * - float32, float64: sum, mean, max, min, prod in JS arithmetic (max/min as Math.max/Math.min:
 *   NaN wins, +0 > -0, so every order gives the same bits).
 * - int32: sum and prod wrap as int32 arithmetic (mod 2^32, so every order agrees), max, min;
 *   no mean (an integer mean would have to round; sum and divide where you need one).
 * - uint8: max, min and custom only: bytes are masks and flags, and their sums would overflow.
 * - 16-bit floats (Uint16Array + dtype): decode, reduce in a JS number, round to nearest even back
 *   (half-float.ts); mean divides the reduced value and rounds once. 'sum' runs in the native
 *   addon where it is loaded.
 * - custom `(into, from) => void`: the caller's function on the raw arrays (bit patterns for
 *   Uint16Array). It must be element-wise, associative and commutative, and the same function on
 *   every rank: algorithms apply it to partial results in different groupings on different ranks.
 */
import { LoomError, showValue } from '../../util/errors.js';
import { arrayName, HALF_FORMATS, type CommArray, type HalfFormat } from '../element-types.js';
import { REDUCE_OPS, type CustomReduce, type ReduceOp } from '../options.js';
import { decodeTable, encodeHalf, HALF_NATIVE_MIN, halfFromFloat32Bits } from '../../util/half-float.js';
import { nativeKernels } from '../../native/index.js';

export interface Reducer<T> {
  combine: (into: T, from: T) => void;
  /** Runs once on every reduced element ('mean': divide by the world size); null when nothing. */
  finish: ((part: T, size: number) => void) | null;
}

/** Indexable numbers: every CommArray, seen element by element. */
interface Numbers {
  [index: number]: number;
  readonly length: number;
}

type Combine = (into: Numbers, from: Numbers) => void;
type Builtin = Exclude<ReduceOp, 'mean'>;

const FLOAT: Readonly<Record<Builtin, Combine>> = {
  sum: (into, from) => {
    for (let i = 0; i < into.length; i++) into[i] += from[i];
  },
  max: (into, from) => {
    for (let i = 0; i < into.length; i++) into[i] = Math.max(into[i], from[i]);
  },
  min: (into, from) => {
    for (let i = 0; i < into.length; i++) into[i] = Math.min(into[i], from[i]);
  },
  prod: (into, from) => {
    for (let i = 0; i < into.length; i++) into[i] *= from[i];
  },
};

/** Int32Array stores sums mod 2^32 by itself (|a + b| < 2^53); products need Math.imul. */
const INT32: Readonly<Record<Builtin, Combine>> = {
  ...FLOAT,
  prod: (into, from) => {
    for (let i = 0; i < into.length; i++) into[i] = Math.imul(into[i], from[i]);
  },
};

const divide = (part: Numbers, size: number): void => {
  for (let i = 0; i < part.length; i++) part[i] /= size;
};

const NUMBER_OPS: Readonly<Record<Builtin, (a: number, b: number) => number>> = {
  sum: (a, b) => a + b,
  max: Math.max,
  min: Math.min,
  prod: (a, b) => a * b,
};

/**
 * Sum of two 16-bit floats, rounded once: the sum is taken in float32 and its bits rounded to 16
 * bits. That equals rounding the exact sum: when the two exponents differ by at most 13 the float32
 * sum is exact (11 + 13 significand bits fit in 24); otherwise the smaller term is below 2^-13 of
 * the larger, too small to reach a 16-bit rounding boundary (2^-11 relative) after float32 rounds.
 * Runs in the native addon where it is loaded (native/half.cc: the same float32 sum and rounding,
 * the same bits), else in halfSumJs.
 */
function halfSum(format: HalfFormat): Combine {
  const js = halfSumLoop(format);
  return (into, from) => {
    const half = into.length >= HALF_NATIVE_MIN ? nativeKernels()?.half : undefined;
    if (half && into instanceof Uint16Array && from instanceof Uint16Array && from.length === into.length) half.halfSum(into, from, format);
    else js(into, from);
  };
}

/** halfSum in JavaScript, the path without the addon (exported for the tests that compare the two). */
export function halfSumJs(format: HalfFormat): (into: Uint16Array, from: Uint16Array) => void {
  return halfSumLoop(format);
}

/** Chunks through a float32 scratch so the rounding reads integer bits (half-float.ts). */
function halfSumLoop(format: HalfFormat): Combine {
  const decode = decodeTable(format);
  const scratch = new Float32Array(4096);
  const bits = new Uint32Array(scratch.buffer);
  return (into, from) => {
    for (let start = 0; start < into.length; start += scratch.length) {
      const count = Math.min(scratch.length, into.length - start);
      for (let j = 0; j < count; j++) scratch[j] = decode[into[start + j]] + decode[from[start + j]];
      for (let j = 0; j < count; j++) into[start + j] = halfFromFloat32Bits(bits[j], format);
    }
  };
}

function halfCombine(op: Builtin, format: HalfFormat): Combine {
  if (op === 'sum') return halfSum(format);
  const decode = decodeTable(format);
  const apply = NUMBER_OPS[op];
  return (into, from) => {
    for (let i = 0; i < into.length; i++) into[i] = encodeHalf(apply(decode[into[i]], decode[from[i]]), format);
  };
}

function halfMean(format: HalfFormat): (part: Numbers, size: number) => void {
  const decode = decodeTable(format);
  return (part, size) => {
    for (let i = 0; i < part.length; i++) part[i] = encodeHalf(decode[part[i]] / size, format);
  };
}

/**
 * The reducer for `op` on arrays like `buf`, or a one-line LoomError saying why there is none.
 * `dtype` is required for Uint16Array (how to read its bits) and refused on anything else.
 */
export function reducerFor<T extends CommArray>(what: string, buf: T, op: ReduceOp | CustomReduce<T> | undefined, dtype: HalfFormat | undefined): Reducer<T> {
  const type = arrayName(buf);
  if (dtype !== undefined && !HALF_FORMATS.includes(dtype)) throw new LoomError(`${what}: dtype must be 'f16' or 'bf16', got ${showValue(dtype)}`);
  if (dtype !== undefined && !(buf instanceof Uint16Array)) throw new LoomError(`${what}: dtype ${showValue(dtype)} reads a Uint16Array, got ${type}`);
  if (typeof op === 'function') return { combine: op, finish: null };
  const name = op ?? 'sum';
  if (!REDUCE_OPS.includes(name)) {
    throw new LoomError(`${what}: op must be one of ${REDUCE_OPS.map((o) => `'${o}'`).join(', ')} or a function (into, from) => void, got ${showValue(op)}`);
  }
  const refuse = (why: string): LoomError => new LoomError(`${what}: op '${name}' is not defined on ${type} (${why})`);
  const combineOp: Builtin = name === 'mean' ? 'sum' : name;
  if (buf instanceof Float32Array || buf instanceof Float64Array) {
    return { combine: FLOAT[combineOp], finish: name === 'mean' ? divide : null };
  }
  if (buf instanceof Int32Array) {
    if (name === 'mean') throw refuse("an integer mean would round: use 'sum' and divide");
    return { combine: INT32[combineOp], finish: null };
  }
  if (buf instanceof Uint8Array) {
    if (name !== 'max' && name !== 'min') throw refuse("bytes are masks and flags: use 'max', 'min' or a custom op");
    return { combine: FLOAT[combineOp], finish: null };
  }
  if (buf instanceof Uint16Array) {
    if (dtype === undefined) throw new LoomError(`${what}: a Uint16Array needs dtype 'f16' or 'bf16' to be reduced with '${name}'`);
    return { combine: halfCombine(combineOp, dtype), finish: name === 'mean' ? halfMean(dtype) : null };
  }
  throw new LoomError(`${what}: buffer must be a Float32Array, Float64Array, Int32Array, Uint8Array or Uint16Array, got ${type}`);
}
