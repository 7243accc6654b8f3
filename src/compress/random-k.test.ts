import { describe, expect, it } from 'vitest';
import { payloadBytes } from './compressor.js';
import { ErrorFeedback } from './error-feedback.js';
import { RandomK, randomkPlugin } from './random-k.js';
import { COMPRESSOR_TYPES, createCompressor } from './registry.js';
import { checkErrorFeedbackInvariant } from './test-support/error-feedback-invariant.js';

const target = (length: number, rank = 0, seed = 7) => ({ length, segments: [], rank, size: 2, seed });

describe('RandomK', () => {
  it('keeps k = ceil(ratio n) distinct indices in increasing order, sends only their values', () => {
    const rk = new RandomK(0.3, 7, 1);
    expect(rk.k).toBe(3);
    const input = Float32Array.from([0.5, -3, 2, 0, -2, 1, 3]);
    const encoding = rk.encode(input, 4);
    const indices = rk.indicesAt(4);
    expect(indices.length).toBe(3);
    for (let j = 1; j < 3; j++) expect(indices[j]).toBeGreaterThan(indices[j - 1]);
    expect(indices[0]).toBeGreaterThanOrEqual(0);
    expect(indices[2]).toBeLessThan(7);
    expect(encoding.parts.length).toBe(1);
    expect([...(encoding.parts[0].data as Float32Array)]).toEqual([...indices].map((i) => input[i]));
    expect(payloadBytes(encoding)).toBe(3 * 4);
    const out = new Float32Array(7).fill(9);
    rk.decode(encoding, out);
    expect([...out]).toEqual([...input].map((x, i) => (indices.includes(i) ? x : 0)));
  });

  it('ratio 1 keeps everything; scale multiplies the values by n / k', () => {
    const input = Float32Array.from([1, -2, 3, -4]);
    const all = new RandomK(1, 4, 3);
    expect([...(all.encode(input, 0).parts[0].data as Float32Array)]).toEqual([1, -2, 3, -4]);
    const scaled = new RandomK(0.25, 8, 3, true);
    expect(scaled.name).toBe('randomk(0.25,scaled)');
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const [i, j] = scaled.indicesAt(2);
    expect([...(scaled.encode(x, 2).parts[0].data as Float32Array)]).toEqual([4 * x[i], 4 * x[j]]);
  });

  it('every rank draws the same indices at a step, so the summed values decode to the summed inputs there', () => {
    const n = 50;
    const ranks = [0, 1, 2].map((rank) => randomkPlugin.create({ ratio: 0.1, scale: false }, target(n, rank), false) as RandomK);
    const inputs = ranks.map((_, r) => Float32Array.from({ length: n }, (_, i) => (i + 1) * (r + 1)));
    const encodings = ranks.map((rk, r) => rk.encode(inputs[r], 11));
    const summed = new Float32Array(5);
    for (const encoding of encodings) {
      const values = encoding.parts[0].data as Float32Array;
      for (let j = 0; j < 5; j++) summed[j] += values[j];
    }
    const out = new Float32Array(n);
    ranks[0].decode({ parts: [{ data: summed }] }, out);
    const indices = ranks[1].indicesAt(11);
    expect([...ranks[2].indicesAt(11)]).toEqual([...indices]);
    for (let i = 0; i < n; i++) expect(out[i]).toBe(indices.includes(i) ? 6 * (i + 1) : 0);
  });

  it('is a function of (seed, step): other steps and seeds draw other indices', () => {
    const a = new RandomK(0.05, 1000, 1);
    const b = new RandomK(0.05, 1000, 1);
    expect([...a.indicesAt(3)]).toEqual([...b.indicesAt(3)]);
    expect([...a.indicesAt(4)]).not.toEqual([...a.indicesAt(3)]);
    expect([...new RandomK(0.05, 1000, 2).indicesAt(3)]).not.toEqual([...a.indicesAt(3)]);
  });

  it('draws uniformly: each index about k / n of the time, sparse and dense draws alike', () => {
    for (const ratio of [0.02, 0.5, 0.99]) {
      const n = 200;
      const rk = new RandomK(ratio, n, 5);
      const counts = new Float64Array(n);
      const steps = 4000;
      let ordered = true;
      for (let step = 0; step < steps; step++) {
        const indices = rk.indicesAt(step);
        ordered &&= indices.length === rk.k && indices.every((i, j) => j === 0 || i > indices[j - 1]);
        for (const i of indices) counts[i]++;
      }
      expect(ordered).toBe(true);
      const p = rk.k / n;
      const sd = Math.sqrt((steps * p * (1 - p)));
      for (let i = 0; i < n; i++) expect(Math.abs(counts[i] - steps * p)).toBeLessThan(5 * sd);
    }
  });

  it('scaled, the decoded vector is an unbiased estimate of the input', () => {
    const n = 20;
    const rk = new RandomK(0.25, n, 9, true);
    const input = Float32Array.from({ length: n }, (_, i) => (i % 7) - 3);
    const mean = new Float64Array(n);
    const out = new Float32Array(n);
    const steps = 4000;
    for (let step = 0; step < steps; step++) {
      rk.decode(rk.encode(input, step), out);
      for (let i = 0; i < n; i++) mean[i] += out[i] / steps;
    }
    // Each decoded entry is x n/k with probability k/n, else 0: variance x^2 (n/k - 1).
    for (let i = 0; i < n; i++) expect(Math.abs(mean[i] - input[i])).toBeLessThanOrEqual(5 * Math.sqrt((input[i] ** 2 * 3) / steps) + 1e-9);
  });

  it('sends 4k bytes: k float32 values and no indices', () => {
    const n = 235_146;
    const rk = new RandomK(0.01, n, 1);
    expect(payloadBytes(rk.encode(new Float32Array(n), 0))).toBe(4 * Math.ceil(0.01 * n));
    expect(rk.k).toBe(2352);
  });

  it('refuses to decode before any encode, or an encoding of another k', () => {
    const rk = new RandomK(0.5, 4, 1);
    expect(() => rk.decode({ parts: [{ data: new Float32Array(2) }] }, new Float32Array(4))).toThrow(/cannot decode before it has encoded a step/);
    rk.encode(new Float32Array(4), 0);
    expect(() => rk.decode({ parts: [{ data: new Float32Array(3) }] }, new Float32Array(4))).toThrow(/has 3 values, expected k = 2/);
  });

  it('with error feedback, sum(sent) + residual = sum(inputs) exactly, scaled or not', () => {
    for (const scale of [false, true]) {
      const n = 16;
      // ratio 1/4: n / k = 4, so the scaled values stay exact.
      const ef = new ErrorFeedback(new RandomK(0.25, n, 3, scale), n);
      expect(ef.aggregation).toBe('sum');
      checkErrorFeedbackInvariant(ef, n, 8);
    }
  });

  it('validates its options and is registered as randomk', () => {
    for (const ratio of [0, -0.1, 1.5, Number.NaN]) expect(randomkPlugin.options.safeParse({ ratio }).success).toBe(false);
    expect(randomkPlugin.options.safeParse({ ratio: 0.1, scale: 'yes' }).success).toBe(false);
    expect(randomkPlugin.options.safeParse({ ratio: 0.1, extra: 1 }).success).toBe(false);
    expect(randomkPlugin.options.parse({ ratio: 0.1 })).toEqual({ ratio: 0.1, scale: false });
    expect(COMPRESSOR_TYPES).toContain('randomk');
    const compressor = createCompressor({ type: 'randomk', ratio: 0.1, scale: true, errorFeedback: true }, target(100));
    expect(compressor.name).toBe('randomk(0.1,scaled)+ef');
    expect(compressor.aggregation).toBe('sum');
  });
});
