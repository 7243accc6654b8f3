import { describe, expect, it } from 'vitest';
import { packedIntBytes, packInts, unpackInts } from './packed-ints.js';

function pack(codes: number[], bits: number): Uint8Array {
  const out = new Uint8Array(packedIntBytes(codes.length, bits));
  packInts(Int8Array.from(codes), codes.length, bits, out);
  return out;
}

describe('packed ints', () => {
  it('lays codes out least significant bit first, two s complement, across byte boundaries', () => {
    // 2 = 010, -1 = 111, 2 = 010: bits 0-2, 3-5, 6-8.
    expect([...pack([2, -1, 2], 3)]).toEqual([2 | (7 << 3) | (2 << 6), 0]);
    expect([...pack([1, -1, 0, 1, -2], 2)]).toEqual([1 | (3 << 2) | (1 << 6), 2]);
    expect([...pack([6, -3, 2], 4)]).toEqual([6 | (13 << 4), 2]);
    expect([...pack([-128, 127, -1], 8)]).toEqual([128, 127, 255]);
    // -16 = 10000, 15 = 01111: byte 0 = 000 10000 | 111 << 5, byte 1 = the last bit of 15.
    expect([...pack([-16, 15], 5)]).toEqual([0b11110000, 0b1]);
  });

  it('unpacks what it packs for every width, level and length (partial last bytes included)', () => {
    for (let bits = 2; bits <= 8; bits++) {
      const low = -(2 ** (bits - 1));
      const high = 2 ** (bits - 1) - 1;
      for (const n of [0, 1, 5, 7, 8, 9, 63, 257]) {
        const codes = Int8Array.from({ length: n }, (_, i) => low + ((i * 37 + bits) % (high - low + 1)));
        const bytes = new Uint8Array(packedIntBytes(n, bits));
        packInts(codes, n, bits, bytes);
        expect(bytes.length).toBe(Math.ceil((n * bits) / 8));
        const back = new Int8Array(n);
        unpackInts(bytes, n, bits, back);
        expect([...back]).toEqual([...codes]);
        // The unused high bits of the last byte are zero.
        const spare = bytes.length * 8 - n * bits;
        if (spare > 0) expect(bytes[bytes.length - 1] >>> (8 - spare)).toBe(0);
      }
    }
  });

  it('refuses a byte array of the wrong size', () => {
    expect(() => packInts(new Int8Array(5), 5, 3, new Uint8Array(3))).toThrow(/3 bytes cannot hold 5 of them \(expected 2\)/);
    expect(() => unpackInts(new Uint8Array(1), 5, 2, new Int8Array(5))).toThrow(/expected 2/);
  });
});
