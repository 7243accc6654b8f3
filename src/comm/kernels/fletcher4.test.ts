import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { nativeKernels } from '../../native/index.js';
import { defaultChecksumPath, Fletcher4, fletcher4, fletcher4Simd, type ChecksumPath } from './fletcher4.js';

function randomBytes(n: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: n }, () => rng.int(256));
}

describe('Fletcher-4 frame checksum', () => {
  it('uses WebAssembly SIMD on Node 20', () => {
    expect(fletcher4Simd).toBe(true);
  });

  it('takes the native path where the addon is built', () => {
    expect(defaultChecksumPath()).toBe(nativeKernels()?.fletcher4Mix ? 'native' : 'wasm');
  });

  it('native, SIMD and scalar paths agree, for every length around block edges and beyond 64 KiB blocks, at any alignment', () => {
    const paths: ChecksumPath[] = nativeKernels()?.fletcher4Mix ? ['native', 'wasm'] : ['wasm'];
    for (const n of [0, 1, 3, 4, 15, 16, 17, 31, 32, 33, 255, 4096, 65535, 65536, 65537, 200_003]) {
      // Starting one byte into a buffer: payloads arrive at any offset of a socket's chunk.
      const bytes = randomBytes(n + 1, n).subarray(1);
      const scalar = new Fletcher4('scalar').update(bytes).digest();
      for (const path of paths) expect(new Fletcher4(path).update(bytes).digest(), `${path}, ${n} bytes`).toBe(scalar);
    }
  });

  it('is the same however the input is chunked', () => {
    const bytes = randomBytes(100_000, 7);
    const whole = fletcher4(bytes);
    const rng = new Rng(3);
    const chunked = new Fletcher4();
    for (let pos = 0; pos < bytes.length; ) {
      const n = Math.min(bytes.length - pos, 1 + rng.int(5000));
      chunked.update(bytes.subarray(pos, pos + n));
      pos += n;
    }
    expect(chunked.digest()).toBe(whole);
  });

  it('changes with any single flipped bit, swapped words, trailing zeros and length', () => {
    const bytes = randomBytes(1024, 9);
    const base = fletcher4(bytes);
    for (let bit = 0; bit < bytes.length * 8; bit += 37) {
      const flipped = Uint8Array.from(bytes);
      flipped[bit >> 3] ^= 1 << (bit & 7);
      expect(fletcher4(flipped)).not.toBe(base);
    }
    const swapped = Uint8Array.from(bytes);
    swapped.set(bytes.subarray(0, 16), 16);
    swapped.set(bytes.subarray(16, 32), 0);
    expect(fletcher4(swapped)).not.toBe(base);
    expect(fletcher4(new Uint8Array(17))).not.toBe(fletcher4(new Uint8Array(16)));
    expect(fletcher4(new Uint8Array(0))).not.toBe(fletcher4(new Uint8Array(1)));
  });

  it('double bit flips in the high bit of two words of one lane are caught (64-bit accumulators)', () => {
    const bytes = new Uint8Array(256);
    const flipped = Uint8Array.from(bytes);
    flipped[3] ^= 0x80; // word 0, bit 31
    flipped[16 * 2 + 3] ^= 0x80; // word 8 (same lane), bit 31
    expect(fletcher4(flipped)).not.toBe(fletcher4(bytes));
  });
});

const nativeMix = nativeKernels()?.fletcher4Mix ?? null;
if (!nativeMix) console.warn('native Fletcher-4 argument test skipped: the native addon with checksum.cc is not loaded');
describe.skipIf(!nativeMix)('native Fletcher-4 lane sums', () => {
  it('refuses a state of another size and data that is not whole blocks, in one line', () => {
    expect(() => nativeMix!(new Uint8Array(64), new Uint8Array(16))).toThrow(/^fletcher4Mix: state must be 128 bytes, got 64$/);
    expect(() => nativeMix!(new Uint8Array(128), new Uint8Array(17))).toThrow(/^fletcher4Mix: data must be whole 16-byte blocks, got 17 bytes$/);
  });
});
