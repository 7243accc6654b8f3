import { describe, expect, it } from 'vitest';
import { decodeHalf, roundToHalf } from '../../util/half-float.js';
import { reducerFor } from './reductions.js';

describe('16-bit float sums (the all-reduce kernel)', () => {
  it('round the exact sum once, for every pair class: random bits, far-apart exponents, ties, overflow, NaN', () => {
    for (const format of ['f16', 'bf16'] as const) {
      const n = 300_000;
      const a = new Uint16Array(n);
      const b = new Uint16Array(n);
      let state = format === 'f16' ? 3 : 5;
      const next = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) >>> 16;
      for (let i = 0; i < n; i++) {
        a[i] = next();
        // A third of the pairs share the exponent region (carries and ties), a third are far apart.
        b[i] = i % 3 === 0 ? (a[i] & 0xfc00) | (next() & 0x3ff) : i % 3 === 1 ? (a[i] ^ 0x8000) + (next() & 0xff) : next();
      }
      const into = a.slice();
      reducerFor('test', into, 'sum', format).combine(into, b);
      for (let i = 0; i < n; i++) {
        const exact = roundToHalf(decodeHalf(a[i], format) + decodeHalf(b[i], format), format);
        if (into[i] !== exact) throw new Error(`${format}: 0x${a[i].toString(16)} + 0x${b[i].toString(16)} gave 0x${into[i].toString(16)}, expected 0x${exact.toString(16)}`);
      }
      expect(into.length).toBe(n);
    }
  });
});
