import { describe, expect, it } from 'vitest';
import { LoomError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import type { CompressionTarget } from './compressor.js';
import { OneBitAdam, onebitAdamPlugin, type OneBitAdamOptions } from './onebit-adam.js';
import { AdamOptimizer } from '../optim/adam.js';
import { checkCompression, checkOptimizerFor, compressionSchema, createCompressor, type CompressionSpec } from './registry.js';
import { RoundBarrier } from './test-support/round-barrier.js';
import { MLP, type Tensors } from './test-support/tensors.js';

const f32 = (...values: number[]): Float32Array => Float32Array.from(values);
const OPTIONS: OneBitAdamOptions = { beta1: 0.9, beta2: 0.999, eps: 1e-8, warmupSteps: 2, stages: 1 };

function targetOf(tensors: Tensors, size: number, rank = 0): CompressionTarget {
  let offset = 0;
  const segments = tensors.map(([name, shape]) => {
    const segment = { name, offset, shape, size: shape.reduce((a, b) => a * b, 1) };
    offset += segment.size;
    return segment;
  });
  return { length: offset, segments, rank, size, seed: 3 };
}

function makeRanks(tensors: Tensors, size: number, options: Partial<OneBitAdamOptions> = {}): OneBitAdam[] {
  return Array.from({ length: size }, (_, rank) => new OneBitAdam({ ...OPTIONS, ...options }, targetOf(tensors, size, rank)));
}

/** One step on every rank: each rank's out and payload bytes. */
async function step(ranks: readonly OneBitAdam[], inputs: readonly Float32Array[], at: number, barrier = new RoundBarrier(ranks.length)): Promise<{ outs: Float32Array[]; bytes: number[] }> {
  const outs = inputs.map((input) => new Float32Array(input.length));
  const bytes = await Promise.all(ranks.map((r, rank) => r.reduce(inputs[rank], outs[rank], at, barrier.forRank(rank))));
  return { outs, bytes };
}

/** [m, v, worker residual, server residual] out of a saved state. */
function stateOf(compressor: OneBitAdam, n: number): { m: Float32Array; v: Float32Array; e: Float32Array; server: Float32Array } {
  const state = compressor.saveState();
  return { m: state.subarray(0, n), v: state.subarray(n, 2 * n), e: state.subarray(2 * n, 3 * n), server: state.subarray(3 * n) };
}

function randomVector(n: number, rng: Rng, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => scale * rng.normal());
}

function same(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

const SMALL: Tensors = [
  ['w', [3, 4]],
  ['b', [4]],
  ['tiny', [1]],
];

describe('1-bit Adam', () => {
  it('warm-up step and compressed step, by hand, on 2 ranks', async () => {
    const ranks = makeRanks([['w', [2, 2]]], 2, { beta1: 0.5, beta2: 0.75, warmupSteps: 1 });
    // Warm-up: g = x0 + x1 = [2, -2, 2, 4]; m = 0.5 g = [1, -1, 1, 2]; v = 0.25 g^2 = [1, 1, 1, 4];
    // bc1 = 0.5, bc2 = 0.25: out = (m / 0.5) / (sqrt(v) / 0.5 + eps) = sign(g), Adam's first step.
    const warm = await step(ranks, [f32(1, -2, 0.5, 0), f32(1, 0, 1.5, 4)], 0);
    for (const out of warm.outs) for (const [i, x] of [1, -1, 1, 1].entries()) expect(out[i]).toBeCloseTo(x, 7);
    expect(warm.bytes).toEqual([16, 16]);
    expect([...stateOf(ranks[0], 4).m]).toEqual([1, -1, 1, 2]);
    expect([...stateOf(ranks[1], 4).v]).toEqual([1, 1, 1, 4]);

    // Compressed: g_i = 2 x_i; m_i = 0.5 m + 0.5 g_i: m_0 = [2, 0, 0, 0], m_1 = [0, -4, 0, 0].
    // Scales ||m_i|| / 2: 1 and 2; signs (0 is +): decoded [1, 1, 1, 1] and [2, -2, 2, 2];
    // residuals [1, -1, -1, -1] and [-2, -2, -2, -2]; m = their mean [1.5, -0.5, 1.5, 1.5].
    // bc1 = 1 - 0.25 = 0.75, v and bc2 = 0.25 frozen: out = (m / 0.75) / [2, 2, 2, 4] = [1, -1/3, 1, 0.5].
    const compressed = await step(ranks, [f32(1.5, 0.5, -0.5, -1), f32(-0.5, -3.5, -0.5, -1)], 1);
    for (const out of compressed.outs) for (const [i, x] of [1, -1 / 3, 1, 0.5].entries()) expect(out[i]).toBeCloseTo(x, 7);
    expect(same(compressed.outs[0], compressed.outs[1])).toBe(true);
    expect(compressed.bytes).toEqual([1 + 4, 1 + 4]); // 4 sign bits in a byte, one float32 scale
    const [s0, s1] = [stateOf(ranks[0], 4), stateOf(ranks[1], 4)];
    expect([...s0.m]).toEqual([1.5, -0.5, 1.5, 1.5]);
    expect([...s1.m]).toEqual([1.5, -0.5, 1.5, 1.5]);
    expect([...s0.v]).toEqual([1, 1, 1, 4]);
    expect([...s0.e]).toEqual([1, -1, -1, -1]);
    expect([...s1.e]).toEqual([-2, -2, -2, -2]);
  });

  it('holds an entry whose gradient was zero all through warm-up (v = 0) instead of moving it by scale / eps', async () => {
    const ranks = makeRanks([['w', [4]]], 2, { warmupSteps: 2 });
    for (let at = 0; at < 2; at++) await step(ranks, [f32(1, -1, 0.5, 0), f32(1, 2, 0.5, 0)], at);
    expect(stateOf(ranks[0], 4).v[3]).toBe(0);
    const { outs } = await step(ranks, [f32(1, -1, 0.5, 0.25), f32(1, 1, 0.5, 0.25)], 2);
    expect(stateOf(ranks[0], 4).m[3]).not.toBe(0); // its sign decoded to a scale
    expect(outs[0][3]).toBe(0);
    expect(outs[1][3]).toBe(0);
    for (let i = 0; i < 3; i++) expect(Math.abs(outs[0][i])).toBeGreaterThan(0.01); // the others move
  });

  it('is dense Adam during warm-up: out is the step optimizer adam takes at lr 1', async () => {
    const n = 17;
    const ranks = makeRanks(SMALL, 3, { warmupSteps: 5 });
    const adam = new AdamOptimizer({ length: n });
    const params = new Float32Array(n);
    const rng = new Rng(1);
    for (let at = 0; at < 5; at++) {
      const inputs = [0, 1, 2].map(() => randomVector(n, rng, 0.1));
      const sum = new Float32Array(n);
      for (const input of inputs) for (let i = 0; i < n; i++) sum[i] += input[i];
      const before = params.slice();
      adam.step(params, sum, 1);
      const { outs, bytes } = await step(ranks, inputs, at);
      expect(bytes).toEqual([4 * n, 4 * n, 4 * n]);
      for (let i = 0; i < n; i++) expect(outs[0][i]).toBeCloseTo(before[i] - params[i], 5);
      for (const out of outs) expect(same(out, outs[0])).toBe(true);
    }
  });

  for (const stages of [1, 2] as const) {
    it(`${stages} stage(s): every rank ends each step with the same out and m, bit for bit (3 ranks)`, async () => {
      const ranks = makeRanks(SMALL, 3, { stages, warmupSteps: 1 });
      const rng = new Rng(2);
      for (let at = 0; at < 6; at++) {
        const { outs } = await step(ranks, [0, 1, 2].map(() => randomVector(17, rng)), at);
        for (const out of outs) expect(same(out, outs[0])).toBe(true);
        for (const r of ranks) expect(same(stateOf(r, 17).m, stateOf(ranks[0], 17).m)).toBe(true);
        expect(outs[0].every(Number.isFinite)).toBe(true);
      }
    });

    it(`${stages} stage(s): error feedback loses nothing (size x the sum of the m's plus the residuals is the sum of the local momenta)`, async () => {
      // Worker: m = (1/N) sum_i decode(c_i), c_i = m_i + e_i, e_i' = c_i - decode(c_i), so after T compressed steps
      //   N sum_t m_t + sum_i e_i = sum_t sum_i m_i,t
      // and with a server: m = decode(a + s) on its chunk, a the average of the decodes, s' = a + s - m, so
      //   N sum_t m_t + sum_i e_i + N sum_r s_r = sum_t sum_i m_i,t.
      const size = 3;
      const n = 17;
      const beta1 = 0.9;
      const ranks = makeRanks(SMALL, size, { stages, warmupSteps: 1 });
      const rng = new Rng(3);
      const sent = new Float64Array(n);
      const local = new Float64Array(n);
      for (let at = 0; at < 12; at++) {
        const inputs = Array.from({ length: size }, () => randomVector(n, rng, 0.1));
        const before = stateOf(ranks[0], n).m.slice();
        await step(ranks, inputs, at);
        if (at === 0) continue; // warm-up: dense
        const m = stateOf(ranks[0], n).m;
        for (let i = 0; i < n; i++) {
          sent[i] += size * m[i];
          for (const input of inputs) local[i] += beta1 * before[i] + (1 - beta1) * size * input[i];
        }
      }
      const held = new Float64Array(n);
      ranks.forEach((r, rank) => {
        const { e, server } = stateOf(r, n);
        for (let i = 0; i < n; i++) held[i] += e[i];
        if (stages === 1) return expect(server.length).toBe(0);
        // the server residual sits at the entries rank r serves: the r-th of `size` pieces of each tensor
        for (let i = 0; i < n; i++) held[i] += size * server[i];
        const owned = (i: number) => [[0, 12], [12, 16], [16, 17]].some(([start, end]) => i >= start + Math.floor((rank * (end - start)) / size) && i < start + Math.floor(((rank + 1) * (end - start)) / size));
        for (let i = 0; i < n; i++) if (!owned(i)) expect(server[i]).toBe(0);
      });
      let worst = 0;
      let scale = 0;
      let dropped = 0;
      for (let i = 0; i < n; i++) {
        worst = Math.max(worst, Math.abs(sent[i] + held[i] - local[i]));
        scale = Math.max(scale, Math.abs(local[i]));
        dropped = Math.max(dropped, Math.abs(held[i]));
      }
      expect(worst / scale).toBeLessThan(1e-5);
      expect(dropped / scale).toBeGreaterThan(1e-3); // the signs dropped something, which the residuals hold
    });
  }

  it('payload: 4n bytes in warm-up, then ceil(n / 8) + 4 per tensor, plus the served chunk with 2 stages', async () => {
    const n = 269322;
    for (const stages of [1, 2] as const) {
      const ranks = makeRanks(MLP, 4, { stages, warmupSteps: 1 });
      const rng = new Rng(4);
      for (let at = 0; at < 3; at++) {
        const barrier = new RoundBarrier(4);
        const { bytes } = await step(ranks, [0, 1, 2, 3].map(() => randomVector(n, rng, 0.01)), at, barrier);
        if (at === 0) {
          expect(bytes).toEqual([4 * n, 4 * n, 4 * n, 4 * n]);
          expect(barrier.calls).toEqual([[n], [n], [n], [n]]);
          continue;
        }
        const worker = Math.ceil(n / 8) + 4 * 6;
        // 2 stages: rank r serves the r-th quarter (floor cuts) of each tensor
        const served = [0, 1, 2, 3].map((r) => MLP.reduce((sum, [, shape]) => {
          const size = shape.reduce((a, b) => a * b, 1);
          return sum + Math.floor(((r + 1) * size) / 4) - Math.floor((r * size) / 4);
        }, 0));
        expect(served.reduce((a, b) => a + b)).toBe(n);
        const expected = stages === 1 ? [worker, worker, worker, worker] : served.map((length) => worker + Math.ceil(length / 8) + 4 * 6);
        expect(bytes).toEqual(expected);
        expect(ranks.map((r) => r.compressedBytes)).toEqual(expected);
        expect(barrier.calls).toEqual([[], [], [], []]);
        // each gather carries the encoding with its wire header: (1 + 2 parts x 2) int32 words, parts padded to 4 bytes
        const packed = (signs: number) => 20 + 4 * Math.ceil(Math.ceil(signs / 8) / 4) + 4 * 6;
        expect(barrier.gathers).toEqual(stages === 1 ? [0, 1, 2, 3].map(() => [packed(n)]) : served.map((length) => [packed(n), packed(length)]));
      }
    }
  });

  for (const stages of [1, 2] as const) {
    it(`${stages} stage(s): saves m, v and the residuals, and resumes to the identical next steps`, async () => {
      const rng = new Rng(5);
      const inputsAt = () => [0, 1, 2].map(() => randomVector(17, rng));
      const original = makeRanks(SMALL, 3, { stages, warmupSteps: 2 });
      for (let at = 0; at < 4; at++) await step(original, inputsAt(), at);
      const states = original.map((r) => r.saveState());
      expect(states.map((s) => s.length)).toEqual(stages === 1 ? [51, 51, 51] : [68, 68, 68]);
      const resumed = makeRanks(SMALL, 3, { stages, warmupSteps: 2 });
      resumed.forEach((r, rank) => r.loadState(states[rank]));
      for (let at = 4; at < 7; at++) {
        const inputs = inputsAt();
        const a = await step(original, inputs, at);
        const b = await step(resumed, inputs, at);
        for (let rank = 0; rank < 3; rank++) expect(same(b.outs[rank], a.outs[rank])).toBe(true);
      }
      resumed.forEach((r, rank) => expect(same(r.saveState(), original[rank].saveState())).toBe(true));
      expect(() => resumed[0].loadState(new Float32Array(5))).toThrow(LoomError);
      expect(() => resumed[0].loadState(new Float32Array(5))).toThrow(new RegExp(`^onebit-adam\\(2${stages === 2 ? ', 2 stages' : ''}\\): saved compressor state has 5 values, expected ${states[0].length} \\(`));
    });
  }

  it('writes into its input when out is the input', async () => {
    const rng = new Rng(6);
    const inputs = [randomVector(17, rng), randomVector(17, rng)];
    const copies = inputs.map((x) => x.slice());
    const a = makeRanks(SMALL, 2, { warmupSteps: 1 });
    const b = makeRanks(SMALL, 2, { warmupSteps: 1 });
    for (let at = 0; at < 3; at++) {
      const { outs } = await step(a, copies, at);
      const barrier = new RoundBarrier(2);
      const inPlace = inputs.map((x) => x.slice());
      await Promise.all(b.map((r, rank) => r.reduce(inPlace[rank], inPlace[rank], at, barrier.forRank(rank))));
      expect(same(inPlace[0], outs[0])).toBe(true);
    }
  });

  it('options: defaults as the paper, each bad value refused in one line naming it', () => {
    expect(onebitAdamPlugin.options.parse({ warmupSteps: 100 })).toEqual({ beta1: 0.9, beta2: 0.999, eps: 1e-8, warmupSteps: 100, stages: 1 });
    const target = targetOf(SMALL, 2);
    const spec = (options: Record<string, unknown>): CompressionSpec => ({ type: 'onebit-adam', errorFeedback: false, ...options });
    const refused = (options: Record<string, unknown>) => () => checkCompression(spec(options), target);
    expect(refused({ warmupSteps: 10, beta1: 1.5 })).toThrow(/^onebit-adam compressor option beta1=1\.5 is invalid: expected a decay rate in \[0, 1\)$/);
    expect(refused({ warmupSteps: 10, beta2: 1 })).toThrow(/^onebit-adam compressor option beta2=1 is invalid: expected a decay rate in \[0, 1\)$/);
    expect(refused({ warmupSteps: 10, eps: 0 })).toThrow(/^onebit-adam compressor option eps=0 is invalid: expected a positive number$/);
    expect(refused({})).toThrow(/^onebit-adam compressor option warmupSteps=undefined is invalid: expected a whole number of steps >= 1 \(the variance is estimated during warm-up\)$/);
    expect(refused({ warmupSteps: 0 })).toThrow(/^onebit-adam compressor option warmupSteps=0 is invalid: expected a whole number of steps >= 1/);
    expect(refused({ warmupSteps: 2.5 })).toThrow(/^onebit-adam compressor option warmupSteps=2\.5 is invalid/);
    expect(refused({ warmupSteps: 10, stages: 3 })).toThrow(/^onebit-adam compressor option stages=3 is invalid: expected 1 \(one all-gather\) or 2 \(worker and server compression\)$/);
    expect(compressionSchema.safeParse({ type: 'onebit-adam', warmupSteps: 10, freezeStep: 10 }).success).toBe(false);
    expect(refused({ warmupSteps: 10, errorFeedback: true })).toThrow(
      new LoomError('onebit-adam compressor option errorFeedback=true is invalid: it keeps its own error feedback on the momentum'),
    );
    expect(refused({ warmupSteps: 10, momentumCorrection: 0.9 })).toThrow(
      new LoomError('compression option momentumCorrection=0.9 cannot be combined with onebit-adam, which keeps its own residual, momentum or rounds'),
    );
    expect(() => createCompressor(spec({ warmupSteps: 10, errorFeedback: true }), target)).toThrow(/errorFeedback=true is invalid/);
    const parsed = compressionSchema.parse({ type: 'onebit-adam', warmupSteps: 10 });
    expect(() => checkOptimizerFor(parsed, { type: 'adam' })).toThrow(
      new LoomError('compression onebit-adam keeps its own momentum, so the optimizer must be sgd with momentum 0, got optimizer adam'),
    );
    expect(() => checkOptimizerFor(parsed, { type: 'sgd', momentum: 0.9 })).toThrow(/got sgd with momentum 0\.9$/);
    expect(() => checkOptimizerFor(parsed, { type: 'sgd', momentum: 0 })).not.toThrow();
    expect(createCompressor(parsed, target).name).toBe('onebit-adam(10)');
    expect(compressionSchema.safeParse({ type: 'onebit-adam', warmupSteps: 10, beta1: -0.1 }).success).toBe(false);
  });
});
