/**
 * Element types the collectives carry. Broadcast and all-gather move bytes for every one of them;
 * reductions read them as float32, float64, int32, uint8, or 16-bit floats stored as Uint16Array
 * (the `dtype` option says which: 'f16' IEEE binary16 or 'bf16' bfloat16).
 */
import type { HalfFormat } from '../util/half-float.js';

export type { HalfFormat };
export type CommArray = Float32Array | Float64Array | Int32Array | Uint8Array | Uint16Array;
export const HALF_FORMATS: readonly HalfFormat[] = ['f16', 'bf16'];

/**
 * What the algorithms need of a buffer: a typed array whose views and copies have its own type
 * (F-bounded, so a generic algorithm over Float64Array gets Float64Array views back).
 */
export interface ElementArray<Self> {
  [index: number]: number;
  readonly length: number;
  readonly byteLength: number;
  subarray(begin?: number, end?: number): Self;
  slice(begin?: number, end?: number): Self;
  set(array: ArrayLike<number>, offset?: number): void;
}

export function isCommArray(value: unknown): value is CommArray {
  return value instanceof Float32Array || value instanceof Float64Array || value instanceof Int32Array || value instanceof Uint8Array || value instanceof Uint16Array;
}

/** The bytes of `buf`, as a view (what transports move for element types other than float32). */
export function byteView(buf: CommArray): Float32Array | Uint8Array {
  return buf instanceof Float32Array || buf instanceof Uint8Array ? buf : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** "Float64Array", or the kind of value it is, for error messages. */
export function arrayName(value: unknown): string {
  if (value === null || typeof value !== 'object') return typeof value;
  return value.constructor.name;
}
