/**
 * Small signed integers packed `bits` bits each (2..8), as the quantizers (QSGD, TernGrad) put them
 * on the wire: two's complement, element i occupying stream bits [i*bits, (i+1)*bits), where stream
 * bit b is bit (b & 7) of byte (b >> 3), least significant bit first. ceil(n * bits / 8) bytes; the
 * unused high bits of the last byte are zero.
 */
import { LoomError } from '../util/errors.js';

/** Bytes that hold n integers of `bits` bits. */
export function packedIntBytes(n: number, bits: number): number {
  return Math.ceil((n * bits) / 8);
}

/** Packs codes[0..n) into `out` (exactly packedIntBytes(n, bits) bytes); each code must fit in `bits` bits. */
export function packInts(codes: Int8Array, n: number, bits: number, out: Uint8Array): void {
  checkPacked(out, n, bits);
  if (bits === 8) {
    out.set(new Uint8Array(codes.buffer, codes.byteOffset, n));
    return;
  }
  const mask = (1 << bits) - 1;
  // Whole bytes at 2 and 4 bits; the generic loop does the rest (and the other widths).
  let i = 0;
  let o = 0;
  if (bits === 2) {
    for (; i + 4 <= n; i += 4) out[o++] = (codes[i] & 3) | ((codes[i + 1] & 3) << 2) | ((codes[i + 2] & 3) << 4) | ((codes[i + 3] & 3) << 6);
  } else if (bits === 4) {
    for (; i + 2 <= n; i += 2) out[o++] = (codes[i] & 15) | ((codes[i + 1] & 15) << 4);
  }
  let acc = 0;
  let held = 0;
  for (; i < n; i++) {
    acc |= (codes[i] & mask) << held;
    held += bits;
    if (held >= 8) {
      out[o++] = acc & 0xff;
      acc >>>= 8;
      held -= 8;
    }
  }
  if (held > 0) out[o] = acc & 0xff;
}

/** Unpacks n codes of `bits` bits from `bytes` into codes[0..n), sign-extended. */
export function unpackInts(bytes: Uint8Array, n: number, bits: number, codes: Int8Array): void {
  checkPacked(bytes, n, bits);
  if (bits === 8) {
    codes.set(new Int8Array(bytes.buffer, bytes.byteOffset, n));
    return;
  }
  let i = 0;
  let o = 0;
  if (bits === 2) {
    for (; i + 4 <= n; i += 4) {
      const byte = bytes[o++];
      codes[i] = (byte << 30) >> 30;
      codes[i + 1] = (byte << 28) >> 30;
      codes[i + 2] = (byte << 26) >> 30;
      codes[i + 3] = (byte << 24) >> 30;
    }
  } else if (bits === 4) {
    for (; i + 2 <= n; i += 2) {
      const byte = bytes[o++];
      codes[i] = (byte << 28) >> 28;
      codes[i + 1] = (byte << 24) >> 28;
    }
  }
  const shift = 32 - bits;
  const mask = (1 << bits) - 1;
  let acc = 0;
  let held = 0;
  for (; i < n; i++) {
    if (held < bits) {
      acc |= bytes[o++] << held;
      held += 8;
    }
    codes[i] = ((acc & mask) << shift) >> shift;
    acc >>>= bits;
    held -= bits;
  }
}

function checkPacked(bytes: Uint8Array, n: number, bits: number): void {
  const expected = packedIntBytes(n, bits);
  if (bytes.length !== expected) throw new LoomError(`packed ${bits}-bit integers: ${bytes.length} bytes cannot hold ${n} of them (expected ${expected})`);
}
