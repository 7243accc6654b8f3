import { describe, expect, it } from 'vitest';
import { payloadBytes, sumOfDecoded, type Encoding } from './compressor.js';
import { ErrorFeedback } from './error-feedback.js';
import { Qsgd, qsgdPlugin } from './qsgd.js';
import { COMPRESSOR_TYPES, createCompressor } from './registry.js';
import { checkErrorFeedbackInvariant } from './test-support/error-feedback-invariant.js';

const norms = (encoding: Encoding) => [...(encoding.parts[0].data as Float32Array)];
const bytes = (encoding: Encoding) => [...(encoding.parts[1].data as Uint8Array)];

function decoded(compressor: Qsgd, encoding: Encoding, n: number): number[] {
  const out = new Float32Array(n).fill(9);
  compressor.decode(encoding, out);
  return [...out];
}

describe('Qsgd', () => {
  it('bits=2 (levels -1, 0, 1): entries at their bucket norm are sent exactly, zero buckets as zeros', () => {
    const q = new Qsgd(2, 2, 8, 0, 1);
    expect(q.levels).toBe(1);
    // Buckets [0, -2] [5, 0] [0, 0] [1.5, 0]: norms 2, 5, 0, 1.5; levels 0 -1 | 1 0 | 0 0 | 1 0.
    const input = Float32Array.from([0, -2, 5, 0, 0, 0, 1.5, 0]);
    const encoding = q.encode(input, 0);
    expect(norms(encoding)).toEqual([2, 5, 0, 1.5]);
    // Two's complement 2-bit codes, element 0 in the lowest bits: -1 = 11, 1 = 01.
    expect(bytes(encoding)).toEqual([(3 << 2) | (1 << 4), 1 << 4]);
    expect(payloadBytes(encoding)).toBe(4 * 4 + 2);
    expect(decoded(q, encoding, 8)).toEqual([0, -2, 5, 0, 0, 0, 1.5, 0]);
  });

  it('bits=2: an entry at half its bucket norm is sent as the norm half of the time', () => {
    const q = new Qsgd(2, 4, 4, 0, 1);
    // Four entries of magnitude 1/4: norm 1/2, so each level is +-1 with probability 1/2, else 0.
    const input = Float32Array.from([0.25, -0.25, 0.25, -0.25]);
    let sent = 0;
    let valid = true;
    const steps = 2000;
    for (let step = 0; step < steps; step++) {
      const out = decoded(q, q.encode(input, step), 4);
      for (let i = 0; i < 4; i++) {
        valid &&= out[i] === 0 || out[i] === Math.sign(input[i]) * 0.5;
        if (out[i] !== 0) sent++;
      }
    }
    expect(valid).toBe(true);
    expect(Math.abs(sent / (4 * steps) - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / (4 * steps)));
  });

  it('packs levels at 3 and 4 bits across bytes, and decodes integer levels exactly', () => {
    // bits=3, s=3, bucket [2, -1, 2], norm 3: levels 2, -1, 2 exactly (010, 111, 010).
    const q3 = new Qsgd(3, 3, 3, 0, 1);
    const e3 = q3.encode(Float32Array.from([2, -1, 2]), 0);
    expect(norms(e3)).toEqual([3]);
    expect(bytes(e3)).toEqual([2 | (7 << 3) | ((2 & 3) << 6), 2 >> 2]);
    expect(decoded(q3, e3, 3)).toEqual([2, -1, 2]);
    // bits=4, s=7, bucket [6, -3, 2], norm 7: levels 6, -3, 2 (0110, 1101, 0010).
    const q4 = new Qsgd(4, 8, 3, 0, 1);
    const e4 = q4.encode(Float32Array.from([6, -3, 2]), 5);
    expect(norms(e4)).toEqual([7]);
    expect(bytes(e4)).toEqual([6 | (13 << 4), 2]);
    expect(decoded(q4, e4, 3)).toEqual([6, -3, 2]);
    // bits=8, s=127: 127 -> 0x7f, -127 -> 0x81.
    const q8 = new Qsgd(8, 1, 2, 0, 1);
    expect(bytes(q8.encode(Float32Array.from([0.5, -3]), 0))).toEqual([0x7f, 0x81]);
  });

  it('a zero vector decodes to zeros, not NaN', () => {
    const q = new Qsgd(8, 3, 7, 0, 1);
    const encoding = q.encode(new Float32Array(7), 0);
    expect(norms(encoding)).toEqual([0, 0, 0]);
    expect(decoded(q, encoding, 7)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('is unbiased: the mean of many encodings is the input', () => {
    for (const bits of [2, 4, 8]) {
      const n = 24;
      const q = new Qsgd(bits, 8, n, 1, 42);
      const s = q.levels;
      const input = Float32Array.from({ length: n }, (_, i) => Math.sin(3 * i + 1) * (i < 8 ? 1 : i < 16 ? 1e-3 : 50));
      const steps = 3000;
      const mean = new Float64Array(n);
      const out = new Float32Array(n);
      for (let step = 0; step < steps; step++) {
        q.decode(q.encode(input, step), out);
        for (let i = 0; i < n; i++) mean[i] += out[i] / steps;
      }
      for (let b = 0; b < 3; b++) {
        let squares = 0;
        for (let i = 8 * b; i < 8 * b + 8; i++) squares += input[i] ** 2;
        const norm = Math.fround(Math.sqrt(squares));
        for (let i = 8 * b; i < 8 * b + 8; i++) {
          // The decoded entry is norm/s times floor(r) or floor(r) + 1: variance (norm/s)^2 f(1 - f).
          const r = (s * Math.abs(input[i])) / norm;
          const f = r - Math.floor(r);
          const sd = (norm / s) * Math.sqrt((f * (1 - f)) / steps);
          expect(Math.abs(mean[i] - input[i])).toBeLessThanOrEqual(5 * sd + 1e-6 * norm);
        }
      }
    }
  });

  it('sends 4 ceil(n / bucket) + ceil(n bits / 8) bytes', () => {
    for (const [n, bits, bucket] of [
      [8, 2, 2],
      [10, 3, 4],
      [1, 5, 512],
      [1000, 7, 33],
      [235_146, 8, 512],
      [235_146, 4, 128],
      [235_146, 2, 512],
    ]) {
      const q = new Qsgd(bits, bucket, n, 0, 1);
      const input = Float32Array.from({ length: n }, (_, i) => Math.cos(i));
      const expected = 4 * Math.ceil(n / bucket) + Math.ceil((n * bits) / 8);
      expect(payloadBytes(q.encode(input, 0))).toBe(expected);
      expect(Qsgd.payloadBytes(n, bits, bucket)).toBe(expected);
    }
    expect(Qsgd.payloadBytes(235_146, 8, 512)).toBe(4 * 460 + 235_146);
  });

  it('is a function of (seed, rank, step)', () => {
    const n = 300;
    const input = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
    const encode = (seed: number, rank: number, step: number) => new Qsgd(4, 64, n, rank, seed).encode(input, step);
    expect(encode(1, 0, 3)).toEqual(encode(1, 0, 3));
    expect(bytes(encode(1, 1, 3))).not.toEqual(bytes(encode(1, 0, 3)));
    expect(bytes(encode(1, 0, 4))).not.toEqual(bytes(encode(1, 0, 3)));
    expect(bytes(encode(2, 0, 3))).not.toEqual(bytes(encode(1, 0, 3)));
  });

  it('combines ranks by summing their decodes', () => {
    const q = new Qsgd(2, 2, 4, 0, 1);
    const a = q.encode(Float32Array.from([0, -2, 5, 0]), 0);
    const b = q.encode(Float32Array.from([1, 0, 0, 0.5]), 0);
    const out = new Float32Array(4);
    sumOfDecoded(q, [a, b], out);
    expect([...out]).toEqual([1, -2, 5, 0.5]);
  });

  it('refuses malformed encodings', () => {
    const q = new Qsgd(2, 2, 4, 0, 1);
    const out = new Float32Array(4);
    expect(() => q.decode({ parts: [{ data: new Float32Array(3) }, { data: new Uint8Array(1) }] }, out)).toThrow(/3 bucket norms, expected 2/);
    expect(() => q.decode({ parts: [{ data: new Float32Array(2) }, { data: new Uint8Array(2) }] }, out)).toThrow(/2 bytes cannot hold 4/);
    // Code 10 is -2, outside -1..1.
    expect(() => q.decode({ parts: [{ data: Float32Array.of(1, 1) }, { data: Uint8Array.of(0b1000) }] }, out)).toThrow(/level -2 at entry 1, outside -1..1/);
  });

  it('with error feedback, sum(sent) + residual = sum(inputs) exactly', () => {
    // bits=2 decodes to 0 or +-norm; inputs are chosen so that each corrected bucket is four entries
    // of one magnitude a (norm 2a, each sent with probability 1/2), which keeps the arithmetic exact.
    const n = 16;
    const ef = new ErrorFeedback(new Qsgd(2, 4, n, 0, 5), n);
    const residuals = checkErrorFeedbackInvariant(ef, n, 8, (n, step) => {
      const residual = ef.pending();
      return Float32Array.from({ length: n }, (_, i) => {
        const a = (((i >> 2) + step) % 3) + 1;
        return ((i * 5 + step) % 3 === 0 ? -a : a) / 64 - residual[i];
      });
    });
    expect(residuals.some((residual) => residual.some((r) => r !== 0))).toBe(true);
  });

  it('validates its options and is registered as qsgd', () => {
    expect(qsgdPlugin.options.parse({})).toEqual({ bits: 8, bucket: 512 });
    for (const bad of [{ bits: 9 }, { bits: 1 }, { bits: 4.5 }, { bucket: 0 }, { bucket: 1.5 }, { bucket: -4 }, { levels: 3 }]) {
      expect(qsgdPlugin.options.safeParse(bad).success).toBe(false);
    }
    expect(qsgdPlugin.options.safeParse({ bits: 2, bucket: 1 }).success).toBe(true);
    expect(() => new Qsgd(9, 4, 4, 0, 1)).toThrow(/bits=9 is invalid/);
    expect(COMPRESSOR_TYPES).toContain('qsgd');
    const compressor = createCompressor({ type: 'qsgd', bits: 4, errorFeedback: true }, { length: 10, segments: [], rank: 1, size: 2, seed: 1 });
    expect(compressor.name).toBe('qsgd(bits=4,bucket=512)+ef');
    expect(compressor.aggregation).toBe('gather');
  });
});
