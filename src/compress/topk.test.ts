import { describe, expect, it } from 'vitest';
import { payloadBytes, sumOfDecoded } from './compressor.js';
import { ErrorFeedback } from './error-feedback.js';
import { topKIndices } from './select.js';
import { createCompressor } from './registry.js';
import { tensorGroups } from './tensor-groups.js';
import { TopK, topkPlugin } from './topk.js';
import { checkErrorFeedbackInvariant } from './test-support/error-feedback-invariant.js';

describe('topKIndices', () => {
  it('picks the largest magnitudes, ties by lower index, in index order', () => {
    const values = Float32Array.from([0.5, -3, 2, 0, -2, 1, 3]);
    expect([...topKIndices(values, 3)]).toEqual([1, 2, 6]);
    expect([...topKIndices(values, 4)]).toEqual([1, 2, 4, 6]);
    expect([...topKIndices(values, 0)]).toEqual([]);
    expect([...topKIndices(values, 9)]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect([...topKIndices(new Float32Array(5), 2)]).toEqual([0, 1]);
  });

  it('agrees with a full sort on random vectors', () => {
    let state = 12345;
    const next = (): number => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
    for (const n of [1, 7, 100, 1000]) {
      const values = Float32Array.from({ length: n }, () => Math.round(next() * 20) / 4); // many ties
      for (const k of [1, Math.ceil(n / 10), n - 1]) {
        const sorted = [...values.keys()].sort((a, b) => Math.abs(values[b]) - Math.abs(values[a]) || a - b).slice(0, k).sort((a, b) => a - b);
        expect([...topKIndices(values, k)]).toEqual(sorted);
      }
    }
  });
});

describe('TopK', () => {
  it('sends k = ceil(ratio n) (index, value) pairs and decodes to a sparse vector', () => {
    const topk = new TopK(0.3, 7);
    expect(topk.k).toBe(3);
    const encoding = topk.encode(Float32Array.from([0.5, -3, 2, 0, -2, 1, 3]));
    expect([...(encoding.parts[0].data as Int32Array)]).toEqual([1, 2, 6]);
    expect([...(encoding.parts[1].data as Float32Array)]).toEqual([-3, 2, 3]);
    expect(payloadBytes(encoding)).toBe(3 * 4 + 3 * 4);
    const out = new Float32Array(7).fill(9);
    topk.decode(encoding, out);
    expect([...out]).toEqual([0, -3, 2, 0, 0, 0, 3]);
  });

  it('top-k 1% all-gathered saves 25x against a dense ring all-reduce at 4 workers and 12.5x at 8', () => {
    const n = 235_146;
    const bytes = payloadBytes(new TopK(0.01, n).encode(Float32Array.from({ length: n }, (_, i) => Math.sin(i))));
    expect(bytes).toBe(Math.ceil(0.01 * n) * 8);
    // Per rank: a ring all-reduce sends 2(N-1)/N of the dense vector; an all-gather sends (N-1) encodings.
    const ratio = (workers: number): number => ((2 * (workers - 1)) / workers) * (n * 4) / ((workers - 1) * bytes);
    expect(ratio(4)).toBeCloseTo(25, 1);
    expect(ratio(8)).toBeCloseTo(12.5, 1);
  });

  it('with error feedback, sum(sent) + residual = sum(inputs) exactly', () => {
    const n = 16;
    const ef = new ErrorFeedback(new TopK(0.25, n), n);
    checkErrorFeedbackInvariant(ef, n, 6);
    // The residual is the state: it round-trips through saveState/loadState.
    const copy = new ErrorFeedback(new TopK(0.25, n), n);
    copy.loadState(ef.saveState());
    const input = Float32Array.from({ length: n }, (_, i) => i / 64);
    expect(copy.encode(input, 9)).toEqual(ef.encode(input, 9));
    expect(() => copy.loadState(new Float32Array(3))).toThrow(/saved compressor state has 3 values, expected 16/);
  });

  it('refuses a ratio outside (0, 1]', () => {
    for (const ratio of [0, -0.1, 1.5, Number.NaN]) expect(topkPlugin.options.safeParse({ ratio }).success).toBe(false);
    expect(topkPlugin.options.safeParse({ ratio: 1 }).success).toBe(true);
  });
});

describe('createCompressor', () => {
  it('names an unknown option and a bad value in one line', () => {
    const target = { length: 10, segments: [], seed: 1, rank: 0, size: 2 };
    expect(() => createCompressor({ type: 'topk', ratio: 0.1, errorFeedback: false, ration: 2 } as never, target)).toThrow('topk compressor has no option "ration"');
    expect(() => createCompressor({ type: 'topk', ratio: 2, errorFeedback: false } as never, target)).toThrow('topk compressor option ratio=2 is invalid: expected a ratio in (0, 1]');
  });
});

describe('sparse combine', () => {
  it('gives the bits of decoding every encoding and adding them in rank order', () => {
    const length = 200;
    const topk = new TopK(0.1, length);
    const encodings = [0, 1, 2, 3].map((rank) => topk.encode(Float32Array.from({ length }, (_, i) => Math.sin(i * (rank + 1)) * 1e-3 * (rank + 1))));
    const combined = new Float32Array(length);
    topk.combine(encodings, combined);
    const reference = new Float32Array(length);
    sumOfDecoded(topk, encodings, reference);
    expect(Buffer.from(combined.buffer).equals(Buffer.from(reference.buffer))).toBe(true);
    expect(combined.filter((v) => v !== 0).length).toBeGreaterThan(20);
  });
});

describe('top-k per tensor', () => {
  it('keeps ceil(ratio * size) in each tensor: a small tensor of small entries still sends its largest', () => {
    // Tensor a = [0..4), b = [4..10); ratio 0.3: ceil(1.2) = 2 from a, ceil(1.8) = 2 from b.
    const input = Float32Array.from([0.01, -0.03, 0.02, 0, 5, -6, 1, 7, -2, 0.5]);
    const target = { length: 10, segments: [{ name: 'a', offset: 0, shape: [4], size: 4 }, { name: 'b', offset: 4, shape: [6], size: 6 }] };
    const perTensor = new TopK(0.3, 10, tensorGroups(target));
    expect(perTensor.k).toBe(4);
    const encoding = perTensor.encode(input);
    expect([...(encoding.parts[0]!.data as Int32Array)]).toEqual([1, 2, 5, 7]);
    expect([...(encoding.parts[1]!.data as Float32Array)]).toEqual([input[1], input[2], -6, 7]);
    // Over the whole vector the same ratio takes ceil(3) = 3 entries, all from b.
    expect([...(new TopK(0.3, 10).encode(input).parts[0]!.data as Int32Array)]).toEqual([4, 5, 7]);
    const out = new Float32Array(10);
    perTensor.decode(encoding, out);
    expect([...out]).toEqual([0, input[1], input[2], 0, 0, -6, 0, 7, 0, 0]);
  });
});
