import { describe, expect, it } from 'vitest';
import { TopK } from './topk.js';
import { maxPackedBytes, packedBytes, packEncoding, unpackEncoding } from './wire.js';

describe('packEncoding / unpackEncoding', () => {
  it('round-trips every part kind, padded to 4 bytes', () => {
    const encoding = {
      parts: [
        { data: Int32Array.from([3, -1]) },
        { data: Float32Array.from([0.5, -2]) },
        { data: Uint8Array.from([1, 2, 3]) },
        { data: Uint16Array.from([0x3c00]), half: 'f16' as const },
        { data: Uint16Array.from([0x3f80, 7]), half: 'bf16' as const },
        { data: new Float32Array(0) },
      ],
    };
    const bytes = packEncoding(encoding);
    expect(bytes.byteLength).toBe(packedBytes(encoding));
    expect(bytes.byteLength).toBe(4 * 13 + 8 + 8 + 4 + 4 + 4 + 0);
    expect(unpackEncoding(bytes)).toEqual(encoding);
    // Any offset: the arrays are copied out aligned.
    const shifted = new Uint8Array(bytes.byteLength + 1);
    shifted.set(bytes, 1);
    expect(unpackEncoding(shifted.subarray(1))).toEqual(encoding);
  });

  it('refuses garbage with one line naming the problem', () => {
    const good = packEncoding({ parts: [{ data: Float32Array.from([1, 2]) }] });
    expect(() => unpackEncoding(new Uint8Array(2), 'rank 3')).toThrow(/^compressed encoding from rank 3 is malformed: 2 bytes end inside the header$/);
    const many = good.slice();
    new Int32Array(many.buffer)[0] = 1000;
    expect(() => unpackEncoding(many)).toThrow(/part count 1000 is outside 0\.\.64/);
    const kind = good.slice();
    new Int32Array(kind.buffer)[1] = 9;
    expect(() => unpackEncoding(kind)).toThrow(/part 0 has unknown kind 9/);
    const long = good.slice();
    new Int32Array(long.buffer)[2] = 3;
    expect(() => unpackEncoding(long)).toThrow(/part 0 \(3 x float32\) runs past the 20 bytes/);
    const extra = new Uint8Array(good.byteLength + 4);
    extra.set(good);
    expect(() => unpackEncoding(extra)).toThrow(/4 bytes follow the last part/);
  });
});

describe('maxPackedBytes', () => {
  it('bounds the largest encoding: every value sent as a sparse pair', () => {
    for (const n of [1, 7, 1000]) {
      const input = Float32Array.from({ length: n }, (_, i) => i + 1);
      const packed = packedBytes(new TopK(1, n).encode(input));
      expect(packed).toBe(8 * n + 4 * 5);
      expect(packed).toBeLessThan(maxPackedBytes(n));
    }
  });
});
