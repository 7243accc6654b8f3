/**
 * Cases for collectives over every element type and reduction (typed-collectives.test.ts), with
 * their exact expected results. Inputs keep every partial result exact in the element type
 * (integers wrap mod 2^32, which every order agrees on; floats stay small), so every algorithm
 * must give the same bits as a reference that reduces in float64 in rank order and then rounds.
 */
import type { Communicator } from '../communicator.js';
import type { CommArray, HalfFormat } from '../element-types.js';
import { decodeHalf, encodeHalf } from '../../util/half-float.js';
import type { AllReduceAlgorithm, CustomReduce, ReduceOp } from '../options.js';
import { segmentLength, segmentStart } from '../segments.js';

export type ElementKind = 'f32' | 'f64' | 'i32' | 'u8' | HalfFormat;
/** Custom reductions by name (functions cannot travel to worker threads). */
export type CustomName = 'maxAbs' | 'bitOr';
export type TypedOp = ReduceOp | CustomName;

export type TypedCase =
  | { kind: 'allReduce'; type: ElementKind; op: TypedOp; count: number; algorithm: AllReduceAlgorithm | 'auto' }
  | { kind: 'reduce'; type: ElementKind; op: TypedOp; count: number; root: number }
  | { kind: 'reduceScatter'; type: ElementKind; op: TypedOp; count: number }
  | { kind: 'broadcast'; type: ElementKind; count: number; root: number }
  | { kind: 'allGather'; type: ElementKind; count: number }
  | { kind: 'allGatherV'; type: ElementKind; counts: number[] };

/** Element-wise max by absolute value; on a tie (x and -x) the positive one, so the order never matters. */
export function maxAbs(into: ArrayLike<number> & { [i: number]: number }, from: ArrayLike<number>): void {
  for (let i = 0; i < into.length; i++) {
    const a = Math.abs(into[i]);
    const b = Math.abs(from[i]);
    if (b > a || (b === a && from[i] > into[i])) into[i] = from[i];
  }
}

export function bitOr(into: ArrayLike<number> & { [i: number]: number }, from: ArrayLike<number>): void {
  for (let i = 0; i < into.length; i++) into[i] |= from[i];
}

const CUSTOM: Readonly<Record<CustomName, CustomReduce<CommArray>>> = { maxAbs, bitOr };

const half = (type: ElementKind): HalfFormat | null => (type === 'f16' || type === 'bf16' ? type : null);

/** Rank r's input element i as a number (for 16-bit floats: the value, not the bits). */
export function inputNumber(type: ElementKind, op: TypedOp | null, rank: number, i: number): number {
  const mix = (rank * 31 + i * 17) % 97;
  if (op === 'prod') return (((rank * 7 + i * 3) % 5) - 2) || 1; // |x| <= 2: products over 5 ranks stay exact
  switch (type) {
    case 'i32':
      return (Math.imul(rank + 1, 0x9e3779b1) + Math.imul(i, 0x01000193)) | 0; // full range: sums and products wrap
    case 'u8':
      return (rank * 37 + i * 11) & 0xff;
    case 'f16':
      return op === 'max' || op === 'min' ? decodeHalf(halfPattern(rank, i, 0x7c00), 'f16') : (mix - 48) / 4; // sums stay exact in 11 bits
    case 'bf16':
      return op === 'max' || op === 'min' ? decodeHalf(halfPattern(rank, i, 0x7f80), 'bf16') : mix - 48; // |sum| <= 240 < 2^8
    default:
      return mix - 48 + (type === 'f64' ? 0.25 * (rank % 4) : 0);
  }
}

/** Any non-NaN pattern (zeros, subnormals, Infinity included), for max and min. */
function halfPattern(rank: number, i: number, infinity: number): number {
  const bits = (Math.imul(rank * 1000 + i, 0x2c1b3c6d) >>> 12) & 0xffff;
  return (bits & 0x7fff) > infinity ? bits & 0x8fff : bits;
}

export function allocate(type: ElementKind, count: number): CommArray {
  switch (type) {
    case 'f32':
      return new Float32Array(count);
    case 'f64':
      return new Float64Array(count);
    case 'i32':
      return new Int32Array(count);
    case 'u8':
      return new Uint8Array(count);
    default:
      return new Uint16Array(count);
  }
}

/** What the array stores for a value (the bits, for 16-bit floats). */
function stored(type: ElementKind, value: number): number {
  const format = half(type);
  return format ? encodeHalf(value, format) : value;
}

export function inputArray(type: ElementKind, op: TypedOp | null, rank: number, count: number, offset = 0): CommArray {
  const out = allocate(type, count);
  for (let i = 0; i < count; i++) out[i] = stored(type, inputNumber(type, op, rank, offset + i));
  return out;
}

/** The reduction of element i over `size` ranks, as stored: float64 in rank order, then rounded once. */
const scratch = new Map<ElementKind, [CommArray, CommArray]>();

export function expectedReduced(type: ElementKind, op: TypedOp, size: number, i: number): number {
  let pair = scratch.get(type);
  if (!pair) scratch.set(type, (pair = [allocate(type, 1), allocate(type, 1)]));
  const [into, from] = pair;
  let acc = inputNumber(type, op, 0, i);
  for (let r = 1; r < size; r++) {
    const x = inputNumber(type, op, r, i);
    if (op === 'maxAbs' || op === 'bitOr') {
      into[0] = acc;
      from[0] = x;
      CUSTOM[op](into, from);
      acc = into[0];
    } else if (op === 'sum' || op === 'mean') acc = type === 'i32' ? (acc + x) | 0 : acc + x;
    else if (op === 'prod') acc = type === 'i32' ? Math.imul(acc, x) : acc * x;
    else acc = op === 'max' ? Math.max(acc, x) : Math.min(acc, x);
  }
  if (op === 'mean') acc /= size;
  into[0] = stored(type, acc); // as the array stores it (float32 rounding, int32 wrap)
  return into[0];
}

const expectedTables = new Map<string, CommArray>();

/** expectedReduced for elements 0..count-1, computed once per process (every rank of a world shares it). */
function expectedArray(type: ElementKind, op: TypedOp, size: number, count: number): CommArray {
  const key = `${type} ${op} ${size} ${count}`;
  let table = expectedTables.get(key);
  if (!table) {
    table = allocate(type, count);
    for (let i = 0; i < count; i++) table[i] = expectedReduced(type, op, size, i);
    expectedTables.set(key, table);
  }
  return table;
}

function options(c: { type: ElementKind; op: TypedOp }): { op: ReduceOp | CustomReduce<CommArray>; dtype?: HalfFormat } {
  const op = c.op === 'maxAbs' || c.op === 'bitOr' ? CUSTOM[c.op] : c.op;
  const format = half(c.type);
  return format ? { op, dtype: format } : { op };
}

function check(label: string, actual: CommArray, expected: (i: number) => number): void {
  for (let i = 0; i < actual.length; i++) {
    const want = expected(i);
    if (!Object.is(actual[i], want)) throw new Error(`${label}: element ${i} of ${actual.length} is ${actual[i]}, expected ${want}`);
  }
}

function describeCase(c: TypedCase): string {
  return Object.entries(c)
    .map(([k, v]) => (k === 'kind' ? String(v) : `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`))
    .join(' ');
}

/** Runs one case on this rank and checks this rank's result; throws with a precise message on mismatch. */
export async function runTypedCase(comm: Communicator, c: TypedCase): Promise<void> {
  const { rank, size } = comm;
  const label = `${describeCase(c)} (size ${size}, rank ${rank})`;
  switch (c.kind) {
    case 'allReduce': {
      const buf = inputArray(c.type, c.op, rank, c.count);
      await comm.allReduce(buf, { ...options(c), algorithm: c.algorithm });
      const expected = expectedArray(c.type, c.op, size, c.count);
      return check(label, buf, (i) => expected[i]);
    }
    case 'reduce': {
      const buf = inputArray(c.type, c.op, rank, c.count);
      await comm.reduce(buf, c.root, options(c));
      if (rank !== c.root) return check(`${label} non-root unchanged`, buf, (i) => stored(c.type, inputNumber(c.type, c.op, rank, i)));
      return check(label, buf, (i) => expectedReduced(c.type, c.op, size, i));
    }
    case 'reduceScatter': {
      const buf = inputArray(c.type, c.op, rank, c.count);
      const out = allocate(c.type, segmentLength(c.count, size, rank));
      await comm.reduceScatter(buf, out, options(c));
      const start = segmentStart(c.count, size, rank);
      return check(label, out, (j) => expectedReduced(c.type, c.op, size, start + j));
    }
    case 'broadcast': {
      const buf = rank === c.root ? inputArray(c.type, null, rank, c.count) : allocate(c.type, c.count);
      await comm.broadcast(buf, c.root);
      return check(label, buf, (i) => stored(c.type, inputNumber(c.type, null, c.root, i)));
    }
    case 'allGather': {
      const start = segmentStart(c.count, size, rank);
      const part = inputArray(c.type, null, rank, segmentLength(c.count, size, rank), start);
      const out = allocate(c.type, c.count);
      await comm.allGather(part, out);
      const owner = (i: number): number => {
        let r = 0;
        while (segmentStart(c.count, size, r + 1) <= i) r++;
        return r;
      };
      return check(label, out, (i) => stored(c.type, inputNumber(c.type, null, owner(i), i)));
    }
    case 'allGatherV': {
      const starts = [0];
      for (const count of c.counts) starts.push(starts[starts.length - 1] + count);
      const part = inputArray(c.type, null, rank, c.counts[rank], starts[rank]);
      const out = allocate(c.type, starts[size]);
      await comm.allGatherV(part, c.counts, out);
      const owner = new Int32Array(out.length);
      for (let r = 0; r < size; r++) owner.fill(r, starts[r], starts[r + 1]);
      return check(label, out, (i) => stored(c.type, inputNumber(c.type, null, owner[i], i)));
    }
  }
}
