/**
 * Signs packed one bit per element, as the sign compressors (signSGD, signum, 1-bit SGD) put them on
 * the wire: element i is bit (i & 7) of byte (i >> 3), least significant bit first; a set bit means
 * negative. ceil(n / 8) bytes; the unused high bits of the last byte are zero.
 *
 * sign(0) is +: only x < 0 sets the bit, so 0, -0 and NaN all pack as +.
 */
import { LoomError } from '../util/errors.js';

/** Bytes that hold the signs of n elements. */
export function signBytes(n: number): number {
  return (n + 7) >>> 3;
}

/** Packs the signs of `values` into `out` (a new array of signBytes(values.length) if omitted). */
export function packSigns(values: Float32Array, out: Uint8Array = new Uint8Array(signBytes(values.length))): Uint8Array {
  const n = values.length;
  checkBits(out, n);
  const full = n >>> 3;
  for (let b = 0; b < full; b++) {
    const i = b << 3;
    out[b] =
      (values[i] < 0 ? 1 : 0) |
      (values[i + 1] < 0 ? 2 : 0) |
      (values[i + 2] < 0 ? 4 : 0) |
      (values[i + 3] < 0 ? 8 : 0) |
      (values[i + 4] < 0 ? 16 : 0) |
      (values[i + 5] < 0 ? 32 : 0) |
      (values[i + 6] < 0 ? 64 : 0) |
      (values[i + 7] < 0 ? 128 : 0);
  }
  if (full << 3 < n) {
    let byte = 0;
    for (let i = full << 3; i < n; i++) if (values[i] < 0) byte |= 1 << (i & 7);
    out[full] = byte;
  }
  return out;
}

/** out[i] = -scale where bit i is set, +scale elsewhere, for i in [start, end) (default: all of out). */
export function unpackSigns(bits: Uint8Array, out: Float32Array, scale = 1, start = 0, end = out.length): void {
  checkBits(bits, out.length);
  const negative = -scale;
  for (let i = start; i < end; i++) out[i] = (bits[i >>> 3] >>> (i & 7)) & 1 ? negative : scale;
}

/** out[i] += -scale where bit i is set, +scale elsewhere, for i in [start, end) (default: all of out). */
export function addSigns(bits: Uint8Array, out: Float32Array, scale = 1, start = 0, end = out.length): void {
  checkBits(bits, out.length);
  const negative = -scale;
  for (let i = start; i < end; i++) out[i] += (bits[i >>> 3] >>> (i & 7)) & 1 ? negative : scale;
}

/** Whether element i's sign bit is set (it is negative). */
export function isNegative(bits: Uint8Array, i: number): boolean {
  return ((bits[i >>> 3] >>> (i & 7)) & 1) === 1;
}

/** A one-line error unless `bits` holds exactly the signs of n elements. */
export function checkBits(bits: Uint8Array, n: number): void {
  if (bits.length !== signBytes(n)) throw new LoomError(`sign bits: ${bits.length} bytes cannot hold the signs of ${n} elements (expected ${signBytes(n)})`);
}
