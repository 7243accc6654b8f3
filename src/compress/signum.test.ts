import { describe, expect, it } from 'vitest';
import { LoomError } from '../util/errors.js';
import { payloadBytes } from './compressor.js';
import { compressionSchema, createCompressor, type CompressionSpec } from './registry.js';
import { packSigns } from './sign-bits.js';
import { Signum, signumPlugin } from './signum.js';

const f32 = (...values: number[]): Float32Array => Float32Array.from(values);
const vote = (...signs: number[]) => ({ parts: [{ data: packSigns(Float32Array.from(signs)) }] });

describe('Signum', () => {
  it('keeps m = beta m + (1 - beta) x and sends sign(m) alone', () => {
    const signum = new Signum(0.5, 3);
    // m = 0.5 [1, -2, 0.5] = [0.5, -1, 0.25]: negative at 1
    const e0 = signum.encode(f32(1, -2, 0.5));
    expect(e0.parts).toHaveLength(1);
    expect([...(e0.parts[0].data as Uint8Array)]).toEqual([2]);
    expect([...signum.saveState()]).toEqual([0.5, -1, 0.25]);
    // m = 0.5 [0.5, -1, 0.25] + 0.5 [-2, 1, -1] = [-0.75, 0, -0.375]: negative at 0 and 2 (0 is +)
    const e1 = signum.encode(f32(-2, 1, -1));
    expect([...(e1.parts[0].data as Uint8Array)]).toEqual([5]);
    expect([...signum.saveState()]).toEqual([-0.75, 0, -0.375]);
    const out = new Float32Array(3);
    signum.decode(e1, out);
    expect([...out]).toEqual([-1, 1, -1]);
  });

  it('beta 0 sends sign(x)', () => {
    const e = new Signum(0, 4).encode(f32(-1, 2, 0, -3));
    expect([...(e.parts[0].data as Uint8Array)]).toEqual([1 + 8]);
  });

  it('combine takes the majority vote, 0 on a tie, the same on every rank', () => {
    const three = [vote(1, 1, -1, -1, 1), vote(1, -1, 1, -1, 1), vote(1, -1, -1, 1, -1)];
    const out = new Float32Array(5).fill(9);
    new Signum(0.9, 5).combine(three, out);
    // sums [3, -1, -1, -1, 1]
    expect([...out]).toEqual([1, -1, -1, -1, 1]);
    // two ranks: sums [2, 0, 0, -2, 2]
    new Signum(0.9, 5).combine(three.slice(0, 2), out);
    expect([...out]).toEqual([1, 0, 0, -1, 1]);
    expect(Object.is(out[1], 0)).toBe(true);
    // every rank combines the same encodings into the same vector, whatever its own momentum
    const a = new Signum(0.5, 5);
    const b = new Signum(0.5, 5);
    const encodings = [a.encode(f32(1, -1, 2, -2, 0.5)), b.encode(f32(-1, -1, 2, 3, -0.5))];
    const outA = new Float32Array(5);
    const outB = new Float32Array(5);
    a.combine(encodings, outA);
    b.combine(encodings, outB);
    expect(outA).toEqual(outB);
    expect([...outA]).toEqual([0, -1, 1, 0, 0]);
  });

  it('payload is ceil(n / 8) bytes', () => {
    for (const n of [1, 7, 8, 9, 100, 235_146]) {
      const input = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
      expect(payloadBytes(new Signum(0.9, n).encode(input))).toBe(Math.ceil(n / 8));
    }
  });

  it('is deterministic', () => {
    const input = (step: number) => Float32Array.from({ length: 21 }, (_, i) => Math.sin(i + step * 2.3));
    const a = new Signum(0.9, 21);
    const b = new Signum(0.9, 21);
    for (let step = 0; step < 4; step++) expect(a.encode(input(step))).toEqual(b.encode(input(step)));
  });

  it('saveState/loadState resumes with identical encodings', () => {
    const n = 19;
    const input = (step: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 + step) - 0.1);
    const a = new Signum(0.9, n);
    for (let step = 0; step < 3; step++) a.encode(input(step));
    const b = new Signum(0.9, n);
    b.loadState(a.saveState());
    for (let step = 3; step < 8; step++) expect(b.encode(input(step))).toEqual(a.encode(input(step)));
    expect(b.saveState()).toEqual(a.saveState());
    expect(() => b.loadState(new Float32Array(n + 1))).toThrow(LoomError);
  });

  it('options: beta in [0, 1), default 0.9', () => {
    const parse = (options: unknown) => signumPlugin.options.safeParse(options);
    expect(parse({}).data).toEqual({ beta: 0.9 });
    expect(parse({ beta: 0 }).data).toEqual({ beta: 0 });
    expect(parse({ beta: 0.99 }).success).toBe(true);
    for (const beta of [1, 1.5, -0.1, '0.9', null]) expect(parse({ beta }).success).toBe(false);
    expect(parse({ ratio: 0.1 }).success).toBe(false);
    const spec = compressionSchema.parse({ type: 'signum' });
    expect(createCompressor(spec, { length: 4, segments: [], rank: 0, size: 2, seed: 1 }).name).toBe('signum(0.9)');
    expect(compressionSchema.safeParse({ type: 'signum', beta: 1 }).success).toBe(false);
    const unchecked = { type: 'signum', errorFeedback: false, beta: 1 } as CompressionSpec;
    expect(() => createCompressor(unchecked, { length: 4, segments: [], rank: 0, size: 2, seed: 1 })).toThrow(/signum compressor option beta=1 is invalid/);
  });

  it('refuses error feedback', () => {
    const spec = compressionSchema.parse({ type: 'signum', errorFeedback: true });
    expect(() => createCompressor(spec, { length: 4, segments: [], rank: 0, size: 2, seed: 1 })).toThrow(/errorFeedback=true is invalid/);
  });
});
