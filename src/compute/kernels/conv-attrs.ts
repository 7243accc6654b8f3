/** Parsing of the convolution / pooling attributes TensorFlow.js passes to kernels. */
import { LoomError } from '../../util/errors.js';
import type { tf } from '../tf.js';

export type Shape4 = [number, number, number, number];
export type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
export type Rounding = 'floor' | 'round' | 'ceil' | undefined;

export function shape4(shape: readonly number[], what: string, kernel: string): Shape4 {
  if (shape.length !== 4) throw new LoomError(`${kernel}: ${what} must have rank 4, got shape [${shape}]`);
  return [shape[0]!, shape[1]!, shape[2]!, shape[3]!];
}

function isNumberPair(v: unknown): v is [number, number] {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number';
}

/** A number or a [height, width] pair (strides, filterSize). */
export function pairOrNumber(v: unknown, what: string, kernel: string): number | [number, number] {
  if (typeof v === 'number' || isNumberPair(v)) return v;
  throw new LoomError(`${kernel}: bad ${what} ${JSON.stringify(v)}`);
}

export function parsePad(pad: unknown, kernel: string): Pad {
  if (pad === 'same' || pad === 'valid' || typeof pad === 'number') return pad;
  if (Array.isArray(pad) && pad.length === 4) {
    const [p0, p1, p2, p3] = pad;
    if (isNumberPair(p0) && isNumberPair(p1) && isNumberPair(p2) && isNumberPair(p3)) return [p0, p1, p2, p3];
  }
  throw new LoomError(`${kernel}: bad pad ${JSON.stringify(pad)}`);
}

export function parseRounding(mode: unknown): Rounding {
  return mode === 'floor' || mode === 'round' || mode === 'ceil' ? mode : undefined;
}

export function parseShape4(v: unknown, what: string, kernel: string): Shape4 {
  if (!Array.isArray(v) || !v.every((d) => typeof d === 'number')) throw new LoomError(`${kernel}: bad ${what} ${JSON.stringify(v)}`);
  return shape4(v.map(Number), what, kernel);
}

export function requireNHWC(dataFormat: unknown, kernel: string): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new LoomError(`${kernel} on wasm supports dataFormat NHWC only, got ${String(dataFormat)}`);
  }
}
