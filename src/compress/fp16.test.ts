import { describe, expect, it } from 'vitest';
import { payloadBytes } from './compressor.js';
import { HalfPrecision } from './fp16.js';

describe('fp16 / bf16', () => {
  it('halves the bytes and rounds to the nearest 16-bit value', () => {
    const input = Float32Array.from([1, -2.5, 1 / 3, 70000, 1e-8]);
    const fp16 = new HalfPrecision('f16');
    const encoding = fp16.encode(input);
    expect(payloadBytes(encoding)).toBe(10);
    expect(encoding.parts[0].half).toBe('f16');
    const out = new Float32Array(5);
    fp16.decode(encoding, out);
    expect([...out]).toEqual([1, -2.5, 0.333251953125, Infinity, 0]);
    const bf16 = new HalfPrecision('bf16');
    bf16.decode(bf16.encode(input), out);
    expect([...out]).toEqual([1, -2.5, 0.333984375, 70144, Math.fround(1.0011717677116394e-8)]);
  });
});
