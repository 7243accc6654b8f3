import { tensorGroups } from './tensor-groups.js';
import { describe, expect, it } from 'vitest';
import { payloadBytes, sumOfDecoded, type Encoding } from './compressor.js';
import { ErrorFeedback } from './error-feedback.js';
import { createCompressor, compressionSchema } from './registry.js';
import { efSignsgdPlugin, SignSgd, signsgdPlugin } from './signsgd.js';
import { checkErrorFeedbackInvariant } from './test-support/error-feedback-invariant.js';

const target = (length: number) => ({ length, segments: [], rank: 0, size: 2, seed: 1 });
const f32 = (...values: number[]): Float32Array => Float32Array.from(values);

describe('SignSgd', () => {
  it('sends the sign bits and scale = ||x||_1 / n; decodes to ±scale with the input L1 norm', () => {
    const signsgd = new SignSgd(5);
    // ||x||_1 = 10, n = 5: scale 2; negatives at 1 and 4: bits 2 + 16
    const encoding = signsgd.encode(f32(1, -2, 0, 3, -4));
    expect([...(encoding.parts[0].data as Uint8Array)]).toEqual([18]);
    expect([...(encoding.parts[1].data as Float32Array)]).toEqual([2]);
    expect(payloadBytes(encoding)).toBe(1 + 4);
    const out = new Float32Array(5).fill(9);
    signsgd.decode(encoding, out);
    expect([...out]).toEqual([2, -2, 2, 2, -2]);
    expect(out.reduce((sum, x) => sum + Math.abs(x), 0)).toBe(10);
  });

  it("with norm 'l2' the scale is ||x||_2 / sqrt(n), per group: the decode keeps each group's L2 norm", () => {
    const signsgd = new SignSgd(6, tensorGroups({ length: 6, segments: [{ name: 'a', offset: 0, size: 4, shape: [4] }] }), 'l2');
    // group a: [1, -1, 3, -3]: ||x||_2^2 = 20, scale sqrt(5); the rest [0, -4]: scale sqrt(16 / 2)
    const encoding = signsgd.encode(f32(1, -1, 3, -3, 0, -4));
    expect([...(encoding.parts[0].data as Uint8Array)]).toEqual([2 + 8 + 32]);
    expect([...(encoding.parts[1].data as Float32Array)]).toEqual([Math.fround(Math.sqrt(5)), Math.fround(Math.sqrt(8))]);
    const out = new Float32Array(6);
    signsgd.decode(encoding, out);
    expect(out[0] ** 2 + out[1] ** 2 + out[2] ** 2 + out[3] ** 2).toBeCloseTo(20, 5);
    expect(out[4] ** 2 + out[5] ** 2).toBeCloseTo(16, 5);
  });

  it('combine sums the ranks decodes, the same on every rank', () => {
    const encodings = [new SignSgd(5).encode(f32(1, -2, 0, 3, -4)), new SignSgd(5).encode(f32(-1, -1, 1, 1, 1))];
    const out = new Float32Array(5).fill(9);
    new SignSgd(5).combine(encodings, out);
    // [2, -2, 2, 2, -2] + [-1, -1, 1, 1, 1]
    expect([...out]).toEqual([1, -3, 3, 3, -1]);
    const other = new Float32Array(5);
    new SignSgd(5).combine(encodings, other);
    expect(other).toEqual(out);
    sumOfDecoded(new SignSgd(5), encodings, other);
    expect(other).toEqual(out);
  });

  it('payload is ceil(n / 8) + 4 bytes', () => {
    for (const n of [1, 7, 8, 9, 100, 235_146]) {
      const input = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
      expect(payloadBytes(new SignSgd(n).encode(input))).toBe(Math.ceil(n / 8) + 4);
    }
  });

  it('is deterministic and stateless', () => {
    const input = Float32Array.from({ length: 37 }, (_, i) => Math.cos(i * 3));
    const a = new SignSgd(37);
    const first = a.encode(input);
    a.encode(f32(...new Array(37).fill(-1)));
    expect(a.encode(input)).toEqual(first);
    expect(new SignSgd(37).encode(input)).toEqual(first);
    expect(a.saveState()).toBeNull();
    expect(() => a.loadState(new Float32Array(1))).toThrow(/expected 0/);
  });

  it('refuses a malformed encoding in one line', () => {
    const bad: Encoding = { parts: [{ data: new Uint8Array(1) }, { data: new Float32Array(2) }] };
    expect(() => new SignSgd(5).decode(bad, new Float32Array(5))).toThrow(/expected 1 float32 scales/);
    expect(() => new SignSgd(9).decode(new SignSgd(5).encode(new Float32Array(5)), new Float32Array(9))).toThrow(/cannot hold/);
  });

  it('has no options', () => {
    expect(signsgdPlugin.options.safeParse({}).success).toBe(true);
    expect(signsgdPlugin.options.safeParse({ ratio: 0.5 }).success).toBe(false);
    expect(efSignsgdPlugin.options.safeParse({ beta: 0.9 }).success).toBe(false);
    expect(compressionSchema.safeParse({ type: 'signsgd', scale: 1 }).success).toBe(false);
  });
});

describe('EF-signSGD', () => {
  it('is signSGD inside error feedback, never wrapped twice', () => {
    const spec = (type: string, errorFeedback: boolean) => compressionSchema.parse({ type, errorFeedback });
    expect(createCompressor(spec('signsgd', false), target(4)).name).toBe('signsgd');
    expect(createCompressor(spec('signsgd', true), target(4)).name).toBe('signsgd+ef');
    expect(createCompressor(spec('ef-signsgd', false), target(4)).name).toBe('signsgd+ef');
    expect(createCompressor(spec('ef-signsgd', true), target(4)).name).toBe('signsgd+ef');
    expect(createCompressor(spec('ef-signsgd', false), target(4))).toBeInstanceOf(ErrorFeedback);
  });

  it('scales tensor by tensor: one L1 mean per tensor, 4 bytes each', () => {
    const groups = tensorGroups({ length: 6, segments: [{ name: 'a', offset: 0, shape: [2], size: 2 }, { name: 'b', offset: 2, shape: [3], size: 3 }] });
    const sign = new SignSgd(6, groups); // entry 5 lies outside both tensors: a third group
    const encoding = sign.encode(f32(1, -3, 0.5, -0.25, 0.75, -8));
    expect([...(encoding.parts[1].data as Float32Array)]).toEqual([2, 0.5, 8]);
    expect(payloadBytes(encoding)).toBe(1 + 3 * 4);
    const out = new Float32Array(6);
    sign.decode(encoding, out);
    expect([...out]).toEqual([2, -2, 0.5, -0.5, 0.5, -8]);
    sign.combine([encoding, encoding], out);
    expect([...out]).toEqual([4, -4, 1, -1, 1, -16]);
  });

  it('hand-computed first two steps', () => {
    const ef = efSignsgdPlugin.create({ scale: 'tensor' }, target(4), false) as ErrorFeedback;
    // step 0: scale (1 + 0.5 + 0.25 + 0.25) / 4 = 0.5; residual x - [0.5, -0.5, 0.5, -0.5]
    const e0 = ef.encode(f32(1, -0.5, 0.25, -0.25), 0);
    expect([...(e0.parts[1].data as Float32Array)]).toEqual([0.5]);
    expect([...ef.pending()]).toEqual([0.5, 0, -0.25, 0.25]);
    // step 1: corrected [0.5, -1, 0, 0.5], scale 0.5, signs [+, -, +, +]
    const e1 = ef.encode(f32(0, -1, 0.25, 0.25), 1);
    expect([...(e1.parts[0].data as Uint8Array)]).toEqual([2]);
    expect([...(e1.parts[1].data as Float32Array)]).toEqual([0.5]);
    expect([...ef.pending()]).toEqual([0, -0.5, -0.5, 0]);
  });

  it('sum(sent) + residual = sum(inputs) exactly over several steps', () => {
    for (const n of [4, 8]) {
      const ef = new ErrorFeedback(new SignSgd(n), n);
      checkErrorFeedbackInvariant(ef, n, 6, (n, step) => Float32Array.from({ length: n }, (_, i) => (((i * 5 + step * 3) % 11) - 5) / 64));
    }
  });

  it('saveState/loadState resumes with identical encodings', () => {
    const n = 13;
    const input = (step: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + step));
    const a = efSignsgdPlugin.create({ scale: 'tensor' }, target(n), false) as ErrorFeedback;
    for (let step = 0; step < 3; step++) a.encode(input(step), step);
    const b = efSignsgdPlugin.create({ scale: 'tensor' }, target(n), false) as ErrorFeedback;
    b.loadState(a.saveState());
    for (let step = 3; step < 6; step++) expect(b.encode(input(step), step)).toEqual(a.encode(input(step), step));
    expect(b.saveState()).toEqual(a.saveState());
  });
});
