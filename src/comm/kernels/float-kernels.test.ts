import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { nativeKernels } from '../../native/index.js';
import { divideBy, simdAvailable, sumInto, sumIntoSimd } from './float-kernels.js';

function randomFloats(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal() * 1e3);
}

describe('float kernels', () => {
  it('uses WebAssembly SIMD on Node 20', () => {
    expect(simdAvailable).toBe(true);
  });

  // Lengths around the 4-lane vector width and the 32768-float block size.
  for (const n of [0, 1, 3, 4, 5, 255, 256, 257, 1021, 32767, 32768, 32769, 100_003]) {
    it(`sumInto (native where built, and WebAssembly) and divideBy equal the scalar float32 loops bit for bit (n = ${n})`, () => {
      const a = randomFloats(n, n);
      const b = randomFloats(n, n + 1);
      const expectedSum = Float32Array.from(a, (x, i) => x + b[i]);
      const viaWasm = Float32Array.from(a);
      sumIntoSimd(viaWasm, b);
      expect(Buffer.compare(Buffer.from(viaWasm.buffer), Buffer.from(expectedSum.buffer))).toBe(0);
      const got = Float32Array.from(a);
      sumInto(got, b);
      expect(Buffer.compare(Buffer.from(got.buffer), Buffer.from(expectedSum.buffer))).toBe(0);
      const expectedQuotient = Float32Array.from(got, (x) => x / 7);
      divideBy(got, 7);
      expect(Buffer.compare(Buffer.from(got.buffer), Buffer.from(expectedQuotient.buffer))).toBe(0);
    });
  }

  it('works on subarray views at any offset and leaves the rest alone', () => {
    const dst = new Float32Array(1000).fill(1);
    const src = new Float32Array(1000).fill(2);
    sumInto(dst.subarray(3, 998), src.subarray(1, 996));
    expect([dst[2], dst[3], dst[997], dst[998]]).toEqual([1, 3, 3, 1]);
  });

  it('adds from shared memory, and a buffer to itself, natively as in JavaScript', () => {
    const n = 4099;
    const shared = new Float32Array(new SharedArrayBuffer(n * 4));
    shared.set(randomFloats(n, 5));
    const dst = randomFloats(n, 6);
    const expected = Float32Array.from(dst, (x, i) => x + shared[i]);
    sumInto(dst, shared);
    expect(Buffer.compare(Buffer.from(dst.buffer), Buffer.from(expected.buffer))).toBe(0);
    sumInto(dst, dst);
    expect(Array.from(dst.subarray(0, 3))).toEqual(Array.from(expected.subarray(0, 3), (x) => Math.fround(x + x)));
  });

  const native = nativeKernels();
  it.skipIf(native === null)('the native addInto refuses a shifted overlap and unequal lengths, naming the operands', () => {
    const buf = new Float32Array(600);
    expect(() => native?.addInto(buf.subarray(0, 300), buf.subarray(1, 301))).toThrow(/addInto: dst .* overlaps src/);
    expect(() => native?.addInto(buf.subarray(0, 3), buf.subarray(0, 4))).toThrow(/addInto: dst has 3 elements, src 4/);
  });

  it('refuses arrays of different lengths', () => {
    expect(() => sumInto(new Float32Array(3), new Float32Array(4))).toThrow(/lengths differ/);
  });
});
