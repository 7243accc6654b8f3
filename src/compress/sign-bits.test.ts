import { describe, expect, it } from 'vitest';
import { LoomError } from '../util/errors.js';
import { isNegative, packSigns, signBytes, unpackSigns } from './sign-bits.js';

describe('sign bits', () => {
  it('packs element i into bit i & 7 of byte i >> 3, set = negative, ceil(n / 8) bytes', () => {
    // negatives at 1, 4, 6 (byte 0: 2 + 16 + 64 = 82) and 8 (byte 1: 1); 0, -0 and NaN pack as +
    const values = Float32Array.from([1, -2, 0, -0, -0.5, 3, -1, NaN, -7, 2]);
    const bits = packSigns(values);
    expect([...bits]).toEqual([82, 1]);
    expect(signBytes(10)).toBe(2);
    expect([0, 1, 7, 8, 9, 16, 17, 235_146].map(signBytes)).toEqual([0, 1, 1, 1, 2, 2, 3, 29_394]);
    expect([...packSigns(new Float32Array(8).fill(-1))]).toEqual([255]);
    expect([...packSigns(new Float32Array(0))]).toEqual([]);
    expect([...values.keys()].map((i) => isNegative(bits, i))).toEqual([false, true, false, false, true, false, true, false, true, false]);
  });

  it('unpacks to ±scale, and round-trips to sign(x) with sign(0) = +', () => {
    const values = Float32Array.from([1, -2, 0, -0, -0.5, 3, -1, 2, -7, 0.25, -0.125]);
    const out = new Float32Array(values.length).fill(9);
    unpackSigns(packSigns(values), out);
    expect([...out]).toEqual([1, -1, 1, 1, -1, 1, -1, 1, -1, 1, -1]);
    unpackSigns(packSigns(values), out, 0.5);
    expect([...out]).toEqual([0.5, -0.5, 0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5]);
  });

  it('writes into a given buffer, and refuses one of the wrong size', () => {
    const out = new Uint8Array(2).fill(255);
    expect(packSigns(Float32Array.from([-1, 1, 1, 1, 1, 1, 1, 1, 1]), out)).toBe(out);
    expect([...out]).toEqual([1, 0]);
    expect(() => packSigns(new Float32Array(9), new Uint8Array(1))).toThrow(LoomError);
    expect(() => unpackSigns(new Uint8Array(3), new Float32Array(9))).toThrow(/3 bytes cannot hold the signs of 9 elements/);
  });
});
