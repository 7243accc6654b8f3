import { describe, expect, it } from 'vitest';
import { payloadBytes, sumOfDecoded, type Encoding } from './compressor.js';
import { ErrorFeedback } from './error-feedback.js';
import { COMPRESSOR_TYPES, createCompressor } from './registry.js';
import { TernGrad, terngradPlugin } from './terngrad.js';
import { checkErrorFeedbackInvariant } from './test-support/error-feedback-invariant.js';

const segment = (name: string, offset: number, size: number) => ({ name, offset, size, shape: [size] });
const target = (length: number, segments: ReturnType<typeof segment>[] = [], rank = 0, seed = 1) => ({ length, segments, rank, size: 2, seed });
const scales = (encoding: Encoding) => [...(encoding.parts[0].data as Float32Array)];
const bytes = (encoding: Encoding) => [...(encoding.parts[1].data as Uint8Array)];

function decoded(compressor: TernGrad, encoding: Encoding, n: number): number[] {
  const out = new Float32Array(n).fill(9);
  compressor.decode(encoding, out);
  return [...out];
}

/** Mean of `steps` decodes of `input`. */
function meanDecode(compressor: TernGrad, input: Float32Array, steps: number): Float64Array {
  const mean = new Float64Array(input.length);
  const out = new Float32Array(input.length);
  for (let step = 0; step < steps; step++) {
    compressor.decode(compressor.encode(input, step), out);
    for (let i = 0; i < input.length; i++) mean[i] += out[i];
  }
  return mean.map((sum) => sum / steps);
}

describe('TernGrad', () => {
  it('one scale per tensor plus one for uncovered entries; entries at their tensor max are sent exactly', () => {
    // Tensor a = entries 0..3, b = 6..7; entries 4, 5, 8 form the extra group.
    const tg = new TernGrad(target(9, [segment('a', 0, 4), segment('b', 6, 2)]));
    expect(tg.groups).toBe(3);
    const input = Float32Array.from([0.5, -0.5, 0, 0.5, 0.25, -0.25, 2, -2, 0]);
    const encoding = tg.encode(input, 0);
    expect(scales(encoding)).toEqual([0.5, 2, 0.25]);
    // b: 1 1 -1 0 1 | 1 -1 1 -1 | 0 as 2-bit codes 01, 11, 00, element 0 lowest.
    expect(bytes(encoding)).toEqual([1 | (3 << 2) | (0 << 4) | (1 << 6), 1 | (3 << 2) | (1 << 4) | (3 << 6), 0]);
    expect(payloadBytes(encoding)).toBe(3 * 4 + 3);
    expect(decoded(tg, encoding, 9)).toEqual([0.5, -0.5, 0, 0.5, 0.25, -0.25, 2, -2, 0]);
  });

  it('orders scales as the segments are given; no segments make one tensor; a zero tensor decodes to zeros', () => {
    const tg = new TernGrad(target(4, [segment('b', 2, 2), segment('a', 0, 2)]));
    expect(tg.groups).toBe(2);
    expect(scales(tg.encode(Float32Array.from([1, -1, 0, 0]), 0))).toEqual([0, 1]);
    expect(decoded(tg, tg.encode(Float32Array.from([1, -1, 0, 0]), 0), 4)).toEqual([1, -1, 0, 0]);
    const whole = new TernGrad(target(3));
    expect(whole.groups).toBe(1);
    expect(scales(whole.encode(Float32Array.from([4, -2, 1]), 0))).toEqual([4]);
    const zero = whole.encode(new Float32Array(3), 0);
    expect(scales(zero)).toEqual([0]);
    expect(decoded(whole, zero, 3)).toEqual([0, 0, 0]);
  });

  it('sends sign(x) with probability |x| / max, so the decode is unbiased', () => {
    const n = 6;
    const tg = new TernGrad(target(n, [segment('a', 0, 3), segment('b', 3, 3)]), null);
    const input = Float32Array.from([1, -0.25, 0.6, -3, 1.5, 0.1]);
    const steps = 4000;
    const mean = meanDecode(tg, input, steps);
    const max = [1, 1, 1, 3, 3, 3];
    for (let i = 0; i < n; i++) {
      // s b has variance s^2 p (1 - p), p = |x| / s.
      const p = Math.abs(input[i]) / max[i];
      expect(Math.abs(mean[i] - input[i])).toBeLessThanOrEqual(5 * max[i] * Math.sqrt((p * (1 - p)) / steps) + 1e-6);
    }
    const out = new Float32Array(n);
    let ternary = true;
    for (let step = 0; step < 50; step++) {
      tg.decode(tg.encode(input, step), out);
      ternary &&= out.every((v, i) => v === 0 || v === Math.sign(input[i]) * max[i]);
    }
    expect(ternary).toBe(true);
  });

  it('clips each tensor to +-clip standard deviations before ternarizing', () => {
    // [-1, -1, -1, -1, 4]: mean 0, sigma 2. clip=1 bounds it to +-2: scale 2, the 4 always sent as 2,
    // each -1 sent as -2 half of the time.
    const input = Float32Array.from([-1, -1, -1, -1, 4]);
    const clipped = new TernGrad(target(5), 1);
    expect(clipped.name).toBe('terngrad(clip=1)');
    const encoding = clipped.encode(input, 0);
    expect(scales(encoding)).toEqual([2]);
    expect(decoded(clipped, encoding, 5)[4]).toBe(2);
    const steps = 4000;
    const mean = meanDecode(clipped, input, steps);
    expect(mean[4]).toBe(2);
    for (let i = 0; i < 4; i++) expect(Math.abs(mean[i] + 1)).toBeLessThan(5 * 2 * Math.sqrt(0.25 / steps));
    // clip=3 bounds at 6, above the max: the scale is the max, 4.
    expect(scales(new TernGrad(target(5), 3).encode(input, 0))).toEqual([4]);
    // A constant tensor (sigma 0) is left alone rather than clipped to nothing.
    const constant = new TernGrad(target(3, [segment('bias', 0, 1), segment('w', 1, 2)]), 1);
    const e = constant.encode(Float32Array.from([0.75, 0.5, 0.5]), 0);
    expect(scales(e)).toEqual([0.75, 0.5]);
    expect(decoded(constant, e, 3)).toEqual([0.75, 0.5, 0.5]);
  });

  it('sends 4 (tensors + [uncovered]) + ceil(n / 4) bytes', () => {
    const n = 235_146;
    // A 784-256-128-10 MLP's tensors: three weight/bias pairs.
    const sizes = [200_704, 256, 32_768, 128, 1_280, 10];
    let offset = 0;
    const segments = sizes.map((size, i) => {
      const s = segment(`t${i}`, offset, size);
      offset += size;
      return s;
    });
    expect(offset).toBe(n);
    const tg = new TernGrad(target(n, segments));
    const input = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
    expect(payloadBytes(tg.encode(input, 0))).toBe(4 * 6 + Math.ceil(n / 4));
    expect(TernGrad.payloadBytes(n, 6)).toBe(24 + 58_787);
    for (const m of [1, 2, 3, 4, 5, 9]) {
      const partial = new TernGrad(target(m, [segment('a', 0, 1)]));
      const expected = 4 * (m > 1 ? 2 : 1) + Math.ceil(m / 4);
      expect(payloadBytes(partial.encode(new Float32Array(m).fill(0.5), 0))).toBe(expected);
      expect(TernGrad.payloadBytes(m, partial.groups)).toBe(expected);
    }
  });

  it('is a function of (seed, rank, step)', () => {
    const n = 300;
    const input = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
    const encode = (seed: number, rank: number, step: number) => new TernGrad(target(n, [], rank, seed)).encode(input, step);
    expect(encode(1, 0, 3)).toEqual(encode(1, 0, 3));
    expect(bytes(encode(1, 1, 3))).not.toEqual(bytes(encode(1, 0, 3)));
    expect(bytes(encode(1, 0, 4))).not.toEqual(bytes(encode(1, 0, 3)));
    expect(bytes(encode(2, 0, 3))).not.toEqual(bytes(encode(1, 0, 3)));
  });

  it('combines ranks by summing their decodes, and refuses malformed encodings', () => {
    const tg = new TernGrad(target(4));
    const out = new Float32Array(4);
    sumOfDecoded(tg, [tg.encode(Float32Array.from([1, -1, 0, 1]), 0), tg.encode(Float32Array.from([0, 0.5, 0, -0.5]), 0)], out);
    expect([...out]).toEqual([1, -0.5, 0, 0.5]);
    expect(() => tg.decode({ parts: [{ data: new Float32Array(2) }, { data: new Uint8Array(1) }] }, out)).toThrow(/2 scales, expected 1/);
    expect(() => tg.decode({ parts: [{ data: new Float32Array(1) }, { data: new Uint8Array(2) }] }, out)).toThrow(/2 bytes cannot hold 4/);
    expect(() => tg.decode({ parts: [{ data: Float32Array.of(1) }, { data: Uint8Array.of(0b100000) }] }, out)).toThrow(/invalid code 10 at entry 2/);
  });

  it('with error feedback, sum(sent) + residual = sum(inputs) exactly', () => {
    const n = 20;
    const ef = new ErrorFeedback(new TernGrad(target(n, [segment('a', 0, 8), segment('b', 10, 6)]), null), n);
    const residuals = checkErrorFeedbackInvariant(ef, n, 10);
    expect(residuals.some((residual) => residual.some((r) => r !== 0))).toBe(true);
  });

  it('validates its options and is registered as terngrad', () => {
    expect(terngradPlugin.options.parse({})).toEqual({});
    for (const clip of [0, -1, Number.NaN, '2.5']) expect(terngradPlugin.options.safeParse({ clip }).success).toBe(false);
    expect(terngradPlugin.options.safeParse({ clip: 2.5 }).success).toBe(true);
    expect(terngradPlugin.options.safeParse({ scale: 1 }).success).toBe(false);
    expect(COMPRESSOR_TYPES).toContain('terngrad');
    const compressor = createCompressor({ type: 'terngrad', clip: 2.5, errorFeedback: false }, target(10, [segment('w', 0, 6)]));
    expect(compressor.name).toBe('terngrad(clip=2.5)');
    expect(compressor.aggregation).toBe('gather');
  });
});
