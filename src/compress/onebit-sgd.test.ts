import { describe, expect, it } from 'vitest';
import { LoomError } from '../util/errors.js';
import { payloadBytes, sumOfDecoded } from './compressor.js';
import { OneBitQuantizer, OneBitSgd, onebitPlugin } from './onebit-sgd.js';
import { compressionSchema, createCompressor } from './registry.js';
import { checkErrorFeedbackInvariant } from './test-support/error-feedback-invariant.js';

const f32 = (...values: number[]): Float32Array => Float32Array.from(values);
const segment = (name: string, offset: number, shape: number[]) => ({ name, offset, shape, size: shape.reduce((a, b) => a * b, 1) });

// 11 elements: 0 outside, W [2, 3] at 1..6, 7 outside, b [2] at 8..9, 10 outside.
// Groups: W's columns 0, 1, 2; b 3; the outside elements {0, 7, 10} 4.
const target = { length: 11, segments: [segment('b', 8, [2]), segment('W', 1, [2, 3])] };
//                 out  W row 0          W row 1          out  b       out
const input = f32(2, 1, -2, 0.5, 3, -1, -0.5, 4, 0, -4, -6);

describe('OneBitQuantizer', () => {
  it('quantizes per column of a 2-D tensor, per other tensor, and the rest as one group', () => {
    const quantizer = new OneBitQuantizer(target);
    expect(quantizer.groups).toBe(5);
    expect([...quantizer.groupOf()]).toEqual([4, 0, 1, 2, 0, 1, 2, 4, 3, 3, 4]);
    const encoding = quantizer.encode(input);
    // negatives at 2, 5, 6 (4 + 32 + 64) and 9, 10 (2 + 4)
    expect([...(encoding.parts[0].data as Uint8Array)]).toEqual([100, 6]);
    // [non-negative mean, negative mean] per group: column 0 {1, 3}; column 1 {-2, -1}; column 2
    // {0.5, -0.5}; b {0, -4} (0 is non-negative); outside {2, 4, -6}
    expect([...(encoding.parts[1].data as Float32Array)]).toEqual([2, 0, 0, -1.5, 0.5, -0.5, 0, -4, 3, -6]);
    expect(payloadBytes(encoding)).toBe(2 + 8 * 5);
    const out = new Float32Array(11).fill(9);
    quantizer.decode(encoding, out);
    expect([...out]).toEqual([3, 2, -1.5, 0.5, 2, -1.5, -0.5, 3, 0, -4, -6]);
  });

  it('payload is ceil(n / 8) + 8 groups bytes', () => {
    const conv = segment('conv', 0, [3, 3, 2, 4]); // one group
    const bias = segment('bias', 72, [4]); // one group
    const dense = segment('dense', 76, [10, 5]); // five groups
    for (const [length, groups] of [
      [126, 7],
      [130, 8],
    ] as const) {
      const quantizer = new OneBitQuantizer({ length, segments: [conv, bias, dense] });
      expect(quantizer.groups).toBe(groups);
      const encoding = quantizer.encode(Float32Array.from({ length }, (_, i) => Math.sin(i)));
      expect(payloadBytes(encoding)).toBe(Math.ceil(length / 8) + 8 * groups);
    }
    // no tensors: one group of everything
    expect(payloadBytes(new OneBitQuantizer({ length: 9, segments: [] }).encode(new Float32Array(9)))).toBe(2 + 8);
  });

  it('combine sums the decodes, the same on every rank', () => {
    const encodings = [new OneBitQuantizer(target).encode(input), new OneBitQuantizer(target).encode(input.map((x, i) => x * (i % 3) - 0.5))];
    const out = new Float32Array(11).fill(9);
    new OneBitQuantizer(target).combine(encodings, out);
    const expected = new Float32Array(11);
    sumOfDecoded(new OneBitQuantizer(target), encodings, expected);
    expect(out).toEqual(expected);
    // rank 1's input: [-0.5, 0.5, -4.5, -0.5, 2.5, -2.5, -0.5, 3.5, -0.5, -0.5, -6.5]; element 0:
    // outside {-0.5, 3.5, -6.5} gives -3.5; 1: column 0 {0.5, 2.5} gives 1.5; 2: column 1 {-4.5, -2.5} gives -3.5
    expect([...out.subarray(0, 3)]).toEqual([3 - 3.5, 2 + 1.5, -1.5 - 3.5]);
  });

  it('refuses tensors that overlap or leave the vector, and malformed encodings', () => {
    expect(() => new OneBitQuantizer({ length: 8, segments: [segment('a', 0, [2, 3]), segment('b', 4, [3])] })).toThrow(/overlaps/);
    expect(() => new OneBitQuantizer({ length: 8, segments: [segment('a', 4, [2, 3])] })).toThrow(LoomError);
    const quantizer = new OneBitQuantizer(target);
    const encoding = quantizer.encode(input);
    expect(() => quantizer.decode({ parts: [encoding.parts[0], { data: new Float32Array(4) }] }, new Float32Array(11))).toThrow(/10 float32 means/);
    expect(() => quantizer.decode(encoding, new Float32Array(12))).toThrow(LoomError);
  });
});

describe('OneBitSgd', () => {
  it('always keeps the residual: x - decoded', () => {
    const onebit = new OneBitSgd(target);
    expect(onebit.name).toBe('onebit+ef');
    onebit.encode(input, 0);
    expect([...onebit.pending()]).toEqual([-1, -1, -0.5, 0, 1, 0.5, 0, 1, 0, 0, 0]);
  });

  it('sum(sent) + residual = sum(inputs) exactly over several steps', () => {
    // Every group has two elements, so every mean is a halving: exact in float32 on dyadic inputs.
    // W [2, 3] at 0..5, b [2] at 7..8, outside {6, 9}.
    const n = 10;
    const onebit = new OneBitSgd({ length: n, segments: [segment('W', 0, [2, 3]), segment('b', 7, [2])] });
    const residuals = checkErrorFeedbackInvariant(onebit, n, 8);
    expect(residuals.filter((residual) => residual.some((r) => r !== 0)).length).toBeGreaterThan(4);
  });

  it('is deterministic, and saveState/loadState resumes with identical encodings', () => {
    const x = (step: number) => Float32Array.from({ length: 11 }, (_, i) => Math.sin(i * 0.9 + step * 1.7));
    const a = new OneBitSgd(target);
    const twin = new OneBitSgd(target);
    for (let step = 0; step < 3; step++) expect(a.encode(x(step), step)).toEqual(twin.encode(x(step), step));
    const b = new OneBitSgd(target);
    b.loadState(a.saveState());
    for (let step = 3; step < 7; step++) expect(b.encode(x(step), step)).toEqual(a.encode(x(step), step));
    expect(b.saveState()).toEqual(a.saveState());
    expect(() => b.loadState(new Float32Array(5))).toThrow(LoomError);
  });

  it('has no options and owns its error feedback', () => {
    expect(onebitPlugin.ownErrorFeedback).toBe(true);
    expect(onebitPlugin.options.safeParse({}).success).toBe(true);
    expect(onebitPlugin.options.safeParse({ bits: 2 }).success).toBe(false);
    const t = { ...target, rank: 0, size: 2, seed: 1 };
    for (const errorFeedback of [false, true]) {
      const compressor = createCompressor(compressionSchema.parse({ type: 'onebit', errorFeedback }), t);
      expect(compressor.name).toBe('onebit+ef');
      expect(compressor).toBeInstanceOf(OneBitSgd);
    }
  });
});
