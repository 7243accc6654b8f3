import { describe, expect, it } from 'vitest';
import { LoomError } from '../util/errors.js';
import { payloadBytes, sumOfDecoded, type Encoding } from './compressor.js';
import { Dgc, dgcPlugin, type DgcOptions } from './dgc.js';
import { largestMagnitudes } from './largest-magnitudes.js';
import { compressionSchema, createCompressor } from './registry.js';
import { topKIndices } from './select.js';
import { checkErrorFeedbackInvariant } from './test-support/error-feedback-invariant.js';

const f32 = (...values: number[]): Float32Array => Float32Array.from(values);
const dgc = (options: Partial<DgcOptions>, length: number, size = 2) =>
  new Dgc({ ratio: 0.001, momentum: 0.9, warmupSteps: 0, ...options }, { length, size });
const indicesOf = (encoding: Encoding) => [...(encoding.parts[0].data as Int32Array)];
const valuesOf = (encoding: Encoding) => [...(encoding.parts[1].data as Float32Array)];

describe('largestMagnitudes', () => {
  const select = (values: Float32Array, k: number) => [...largestMagnitudes(values, k, new Int32Array(values.length), new Float32Array(values.length))];

  it('selects exactly as topKIndices: largest |x|, ties by lower index, in index order', () => {
    let state = 12345;
    const next = (): number => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
    for (const n of [1, 7, 100, 5000, 40_000]) {
      const tied = Float32Array.from({ length: n }, () => Math.round(next() * 20) / 4);
      const spread = Float32Array.from({ length: n }, () => next() ** 3);
      for (const values of [tied, spread]) {
        for (const k of [0, 1, 2, Math.ceil(n / 1000), Math.ceil(n / 100), Math.ceil(n / 10), n - 1, n]) {
          expect(select(values, k)).toEqual([...topKIndices(values, k)]);
        }
      }
    }
    expect(select(Float32Array.from([0.5, -3, 2, 0, -2, 1, 3]), 4)).toEqual([1, 2, 4, 6]);
  });

  it('stays exact when the sampled threshold overshoots', () => {
    const n = 100_000;
    const values = Float32Array.from({ length: n }, (_, i) => (i % 997 === 0 ? 1000 + i : ((i * 7919) % 101) / 1e6));
    for (const k of [50, 101, 150, 1000]) expect(select(values, k)).toEqual([...topKIndices(values, k)]);
    // Large entries exactly where the sample looks (its generator, as in dgc.ts), tiny ones elsewhere:
    // the sample's 32nd largest is reached by about 32 entries, far fewer than k.
    const k = 1000;
    const adversarial = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 101) / 1e6);
    let state = 0x2545f491 ^ n ^ (k << 5);
    for (let s = 0; s < Math.ceil((16 * n) / k); s++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      adversarial[Math.floor((state / 4294967296) * n)] = 1 + s;
    }
    expect(select(adversarial, k)).toEqual([...topKIndices(adversarial, k)]);
  });

  it('sends NaN first', () => {
    const values = Float32Array.from({ length: 10_000 }, (_, i) => Math.sin(i));
    values[1234] = Number.NaN;
    const picked = select(values, 10);
    expect(picked).toHaveLength(10);
    expect(picked).toContain(1234);
  });
});

describe('Dgc', () => {
  it('momentum correction and momentum factor masking, by hand', () => {
    const compressor = dgc({ ratio: 0.25, momentum: 0.5 }, 8);
    // step 0: u = v = x; top-2 of v: 4 (3), 1 (-2); zeroed there
    const e0 = compressor.encode(f32(1, -2, 0.5, 0, 3, -0.5, 0.25, 1), 0);
    expect(indicesOf(e0)).toEqual([1, 4]);
    expect(valuesOf(e0)).toEqual([-2, 3]);
    expect(payloadBytes(e0)).toBe(2 * 8);
    const left = [1, 0, 0.5, 0, 0, -0.5, 0.25, 1];
    expect([...compressor.saveState()]).toEqual([...left, ...left]);
    // step 1: u = 0.5 u + x = [1.5, 1, -0.75, 0, 0, -0.25, 0.375, -1.5]
    //         v = v + u     = [2.5, 1, -0.25, 0, 0, -0.75, 0.625, -0.5]; top-2: 0, 1
    const e1 = compressor.encode(f32(1, 1, -1, 0, 0, 0, 0.25, -2), 1);
    expect(indicesOf(e1)).toEqual([0, 1]);
    expect(valuesOf(e1)).toEqual([2.5, 1]);
    expect([...compressor.saveState()]).toEqual([0, 0, -0.75, 0, 0, -0.25, 0.375, -1.5, 0, 0, -0.25, 0, 0, -0.75, 0.625, -0.5]);
    expect([...compressor.pending()]).toEqual([0, 0, -0.25, 0, 0, -0.75, 0.625, -0.5]);
    const out = new Float32Array(8).fill(9);
    compressor.decode(e1, out);
    expect([...out]).toEqual([2.5, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('payload is 8k bytes, k = ceil(ratio n)', () => {
    const n = 235_146;
    const input = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
    expect(payloadBytes(dgc({}, n).encode(input, 0))).toBe(236 * 8);
    expect(payloadBytes(dgc({ ratio: 0.01 }, n).encode(input, 0))).toBe(2352 * 8);
    expect(payloadBytes(dgc({ ratio: 1 }, 10).encode(new Float32Array(10), 0))).toBe(80);
  });

  it('warm-up: the kept ratio falls exponentially from 0.25 to ratio, one stage per warmupSteps/4 steps', () => {
    const compressor = dgc({ ratio: 0.001, warmupSteps: 8 }, 1000);
    const ratios = [0, 1, 2, 3, 4, 5, 6, 7, 8, 100].map((step) => compressor.keepRatioAt(step));
    expect(ratios[0]).toBe(0.25);
    expect(ratios[1]).toBe(0.25);
    // the paper's 93.75%, 98.4375%, 99.6% sparsity, here exactly 0.25 (0.004)^(s/4)
    expect(ratios[2]).toBeCloseTo(0.0625, 3);
    expect(ratios[4]).toBeCloseTo(0.015625, 3);
    expect(ratios[6]).toBeCloseTo(0.004, 3);
    expect(ratios[2]).toBe(ratios[3]);
    expect(ratios[4]).toBe(ratios[5]);
    expect(ratios[6]).toBe(ratios[7]);
    expect(ratios[8]).toBe(0.001);
    expect(ratios[9]).toBe(0.001);
    // k = ceil(keep n): 250, 63, 16, 4, then 1; 8k bytes each
    const input = Float32Array.from({ length: 1000 }, (_, i) => Math.cos(i));
    const bytes = [0, 2, 4, 6, 8].map((step) => payloadBytes(compressor.encode(input, step)));
    expect(bytes).toEqual([250, 63, 16, 4, 1].map((k) => 8 * k));
    // no warm-up, or a ratio of 0.25 or more: the ratio from the start
    expect(dgc({ ratio: 0.01 }, 1000).keepRatioAt(0)).toBe(0.01);
    expect(dgc({ ratio: 0.5, warmupSteps: 8 }, 1000).keepRatioAt(0)).toBe(0.5);
    expect(dgc({ ratio: 0.25, warmupSteps: 8 }, 1000).keepRatioAt(3)).toBe(0.25);
  });

  it('clips the contribution at clip / sqrt(N) before adding it', () => {
    // N = 4, clip = 1: threshold 0.5; ||(3, 4)|| = 5, scaled by 0.1
    const clipped = dgc({ ratio: 1, momentum: 0, clip: 1 }, 2, 4).encode(f32(3, 4), 0);
    expect(valuesOf(clipped)).toEqual([Math.fround(0.3), Math.fround(0.4)]);
    // ||(0.25, 0.25)|| < 0.5: untouched
    expect(valuesOf(dgc({ ratio: 1, momentum: 0, clip: 1 }, 2, 4).encode(f32(0.25, 0.25), 0))).toEqual([0.25, 0.25]);
    // no clip: untouched
    expect(valuesOf(dgc({ ratio: 1, momentum: 0 }, 2, 4).encode(f32(3, 4), 0))).toEqual([3, 4]);
  });

  it('momentum 0: sum(sent) + residual = sum(inputs) exactly over several steps', () => {
    const n = 16;
    const compressor = dgc({ ratio: 0.25, momentum: 0 }, n);
    checkErrorFeedbackInvariant(compressor, n, 8);
  });

  it('with momentum: sum(sent) + v = sum of the corrected velocities u exactly', () => {
    const n = 16;
    const compressor = dgc({ ratio: 0.25, momentum: 0.5 }, n);
    const sent = new Float64Array(n);
    const velocities = new Float64Array(n);
    const decoded = new Float32Array(n);
    for (let step = 0; step < 8; step++) {
      const x = Float32Array.from({ length: n }, (_, i) => (((i * 5 + step * 3) % 11) - 5) / 64);
      const u = compressor.saveState().subarray(0, n);
      for (let i = 0; i < n; i++) velocities[i] += 0.5 * u[i] + x[i];
      compressor.decode(compressor.encode(x, step), decoded);
      for (let i = 0; i < n; i++) sent[i] += decoded[i];
      const v = compressor.pending();
      expect([...sent].map((s, i) => s + v[i])).toEqual([...velocities]);
    }
  });

  it('combine sums the decodes, the same on every rank', () => {
    const n = 12;
    const encodings = [0, 1, 2].map((rank) => dgc({ ratio: 0.25 }, n).encode(Float32Array.from({ length: n }, (_, i) => Math.sin(i * (rank + 1))), 0));
    const out = new Float32Array(n).fill(9);
    dgc({ ratio: 0.25 }, n).combine(encodings, out);
    const expected = new Float32Array(n);
    sumOfDecoded(dgc({ ratio: 0.25 }, n), encodings, expected);
    expect(out).toEqual(expected);
    const again = new Float32Array(n);
    dgc({ ratio: 0.5 }, n).combine(encodings, again);
    expect(again).toEqual(out);
    expect(() => dgc({}, n).combine([{ parts: [{ data: Int32Array.from([12]) }, { data: f32(1) }] }], out)).toThrow(LoomError);
  });

  it('is deterministic, and saveState/loadState resumes with identical encodings', () => {
    const n = 50;
    const options = { ratio: 0.05, momentum: 0.9, warmupSteps: 8, clip: 2 };
    const x = (step: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.7 + step * 1.3));
    const a = dgc(options, n, 4);
    const twin = dgc(options, n, 4);
    for (let step = 0; step < 4; step++) expect(a.encode(x(step), step)).toEqual(twin.encode(x(step), step));
    const b = dgc(options, n, 4);
    b.loadState(a.saveState());
    for (let step = 4; step < 10; step++) expect(b.encode(x(step), step)).toEqual(a.encode(x(step), step));
    expect(b.saveState()).toEqual(a.saveState());
    expect(() => b.loadState(new Float32Array(n))).toThrow(/expected 100/);
  });

  it('options: defaults, and bad values refused', () => {
    const parse = (options: unknown) => dgcPlugin.options.safeParse(options);
    expect(parse({}).data).toEqual({ ratio: 0.001, momentum: 0.9, warmupSteps: 0 });
    expect(parse({ ratio: 0.01, momentum: 0, warmupSteps: 400, clip: 5 }).data).toEqual({ ratio: 0.01, momentum: 0, warmupSteps: 400, clip: 5 });
    for (const bad of [{ ratio: 0 }, { ratio: 1.5 }, { ratio: -0.1 }, { momentum: 1 }, { momentum: -0.5 }, { warmupSteps: -1 }, { warmupSteps: 2.5 }, { clip: 0 }, { clip: -1 }, { topk: 0.1 }]) {
      expect(parse(bad).success).toBe(false);
    }
  });

  it('owns its error feedback: never wrapped', () => {
    const target = { length: 100, segments: [], rank: 0, size: 2, seed: 1 };
    for (const errorFeedback of [false, true]) {
      const compressor = createCompressor(compressionSchema.parse({ type: 'dgc', errorFeedback, ratio: 0.01 }), target);
      expect(compressor).toBeInstanceOf(Dgc);
      expect(compressor.name).toBe('dgc(0.01)');
    }
  });
});
