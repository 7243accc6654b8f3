import { describe, expect, it } from 'vitest';
import { payloadBytes, sumOfDecoded } from './compressor.js';
import { ErrorFeedback } from './error-feedback.js';
import { COMPRESSOR_TYPES, createCompressor } from './registry.js';
import { Threshold, thresholdPlugin } from './threshold.js';
import { packEncoding, unpackEncoding } from './wire.js';
import { checkErrorFeedbackInvariant } from './test-support/error-feedback-invariant.js';

describe('Threshold', () => {
  it('sends every entry with |x| >= threshold (the bound included) as index, value pairs', () => {
    const compressor = new Threshold(2, 7);
    const encoding = compressor.encode(Float32Array.from([0.5, -3, 2, 0, -2, 1.99, 3]));
    expect(encoding.parts[0].data).toBeInstanceOf(Int32Array);
    expect([...(encoding.parts[0].data as Int32Array)]).toEqual([1, 2, 4, 6]);
    expect([...(encoding.parts[1].data as Float32Array)]).toEqual([-3, 2, -2, 3]);
    expect(payloadBytes(encoding)).toBe(4 * 4 + 4 * 4);
    const out = new Float32Array(7).fill(9);
    compressor.decode(encoding, out);
    expect([...out]).toEqual([0, -3, 2, 0, -2, 0, 3]);
  });

  it('an empty selection encodes to empty parts (0 bytes) and decodes, combines and travels as zeros', () => {
    const compressor = new Threshold(10, 5);
    const encodings = [0, 1, 2].map(() => compressor.encode(Float32Array.from([1, -2, 3, -4, 9.5])));
    expect(encodings[0].parts.map((part) => part.data.length)).toEqual([0, 0]);
    expect(payloadBytes(encodings[0])).toBe(0);
    const out = new Float32Array(5).fill(9);
    compressor.decode(encodings[0], out);
    expect([...out]).toEqual([0, 0, 0, 0, 0]);
    out.fill(9);
    sumOfDecoded(compressor, encodings, out);
    expect([...out]).toEqual([0, 0, 0, 0, 0]);
    const travelled = unpackEncoding(packEncoding(encodings[1]));
    out.fill(9);
    compressor.decode(travelled, out);
    expect([...out]).toEqual([0, 0, 0, 0, 0]);
    // A zero-length vector, too.
    const none = new Threshold(1, 0);
    none.decode(none.encode(new Float32Array(0)), new Float32Array(0));
  });

  it('sends 8 bytes per selected entry', () => {
    const n = 1000;
    const input = Float32Array.from({ length: n }, (_, i) => ((i * 37) % 101) / 100);
    let selected = 0;
    for (const x of input) if (Math.abs(x) >= 0.9) selected++;
    expect(payloadBytes(new Threshold(0.9, n).encode(input))).toBe(8 * selected);
  });

  it('is deterministic', () => {
    const input = Float32Array.from({ length: 40 }, (_, i) => Math.sin(i));
    expect(new Threshold(0.5, 40).encode(input)).toEqual(new Threshold(0.5, 40).encode(input));
  });

  it('with error feedback, small entries accumulate until they cross the threshold; sum(sent) + residual = sum(inputs) exactly', () => {
    const n = 12;
    const ef = new ErrorFeedback(new Threshold(3 / 64, n), n);
    const residuals = checkErrorFeedbackInvariant(ef, n, 10, (n, step) => Float32Array.from({ length: n }, (_, i) => (((i * 5 + step * 3) % 7) - 3) / 64));
    for (const residual of residuals) for (const r of residual) expect(Math.abs(r)).toBeLessThan(3 / 64);
    // 1/64 per step is sent on the third step, as 3/64.
    const slow = new ErrorFeedback(new Threshold(3 / 64, 1), 1);
    const sent = [0, 1, 2].map((step) => payloadBytes(slow.encode(Float32Array.of(1 / 64), step)));
    expect(sent).toEqual([0, 0, 8]);
    expect([...slow.pending()]).toEqual([0]);
  });

  it('validates its options and is registered as threshold', () => {
    for (const threshold of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1']) expect(thresholdPlugin.options.safeParse({ threshold }).success).toBe(false);
    expect(thresholdPlugin.options.safeParse({}).success).toBe(false);
    expect(thresholdPlugin.options.safeParse({ threshold: 0.001 }).success).toBe(true);
    expect(COMPRESSOR_TYPES).toContain('threshold');
    const compressor = createCompressor({ type: 'threshold', threshold: 0.01, errorFeedback: false }, { length: 4, segments: [], rank: 0, size: 2, seed: 1 });
    expect(compressor.name).toBe('threshold(0.01)');
    expect(compressor.aggregation).toBe('gather');
  });
});
