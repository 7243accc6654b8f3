/** DRACO's decoder on hand-built groups: bitwise majorities, refusals, and the fingerprint. */
import { describe, expect, it } from 'vitest';
import { dracoDecode, dracoGroups, gradientFingerprint, majorityVector } from '../index.js';
import { vectors } from '../aggregators/test-support/helpers.js';

describe('DRACO repetition code', () => {
  it('decodes each group of r = 3 to its majority and sums the groups', () => {
    // group 0: two honest [1, 2] and a Byzantine [100, -7]; group 1: honest [3, 4] twice, one NaN vector.
    const inputs = vectors([1, 2], [100, -7], [1, 2], [NaN, NaN], [3, 4], [3, 4]);
    const out = new Float32Array(2);
    dracoDecode(inputs, 3, out);
    expect(Array.from(out)).toEqual([4, 6]);
  });
  it('compares bits, not values: -0 and +0 differ, the same NaN pattern agrees', () => {
    expect(() => majorityVector(vectors([0], [-0], [1]))).toThrow('draco: group 0 has no majority: no vector was sent by 2 of its 3 members');
    const nan = vectors([NaN], [NaN], [0]);
    expect(Number.isNaN(majorityVector(nan)[0])).toBe(true);
    // One bit apart (the last mantissa bit of 1) is a different vector.
    const nextAfterOne = new Float32Array(new Uint32Array([0x3f800001]).buffer);
    expect(() => majorityVector([Float32Array.of(1), nextAfterOne, Float32Array.of(2)], 4)).toThrow('draco: group 4 has no majority');
  });
  it('returns the honest vector exactly with (r - 1) / 2 = 2 Byzantine members out of r = 5', () => {
    const honest = Float32Array.from({ length: 1000 }, (_, j) => Math.sin(j) * 1e-3);
    const members = [honest, Float32Array.from(honest, (x) => -x), Float32Array.from(honest), new Float32Array(1000), Float32Array.from(honest)];
    expect(majorityVector(members)).toEqual(honest);
  });
  it('refuses an even or too small r, and n not a multiple of r', () => {
    expect(() => dracoGroups(6, 2)).toThrow('draco: r must be an odd integer >= 3; got 2');
    expect(() => dracoGroups(7, 3)).toThrow('draco needs n a multiple of r; got n = 7, r = 3');
    expect(dracoGroups(9, 3)).toBe(3);
  });
  it('fingerprints bits: FNV-1a of the bytes', () => {
    // FNV-1a 32 of the four zero bytes of 0.0f: 0x4b95f515 (the standard test value of "\0\0\0\0").
    expect(gradientFingerprint(Float32Array.of(0))).toBe(0x4b95f515);
    expect(gradientFingerprint(Float32Array.of(0))).not.toBe(gradientFingerprint(Float32Array.of(-0)));
  });
});
