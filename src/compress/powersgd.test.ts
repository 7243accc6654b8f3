import { describe, expect, it } from 'vitest';
import { LoomError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import type { CompressionTarget } from './compressor.js';
import { orthonormalize, PowerSgd, powerSgdPlugin, type PowerSgdOptions } from './powersgd.js';
import { checkCompression, compressionSchema, createCompressor, type CompressionSpec } from './registry.js';
import { RoundBarrier } from './test-support/round-barrier.js';
import { MLP, type Tensors } from './test-support/tensors.js';

type Segment = CompressionTarget['segments'][number];

function segmentsOf(tensors: Tensors): Segment[] {
  let offset = 0;
  return tensors.map(([name, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const segment = { name, offset, shape, size };
    offset += size;
    return segment;
  });
}

function targetOf(tensors: Tensors, size = 1, seed = 7): CompressionTarget {
  const segments = segmentsOf(tensors);
  const last = segments[segments.length - 1];
  return { length: last.offset + last.size, segments, rank: 0, size, seed };
}

const OPTIONS: PowerSgdOptions = { rank: 2, startStep: 0, minCompressionRate: 2, warmStart: true };

function makeRanks(tensors: Tensors, ranks: number, options: Partial<PowerSgdOptions> = {}, errorFeedback = false): PowerSgd[] {
  return Array.from({ length: ranks }, (_, rank) => new PowerSgd({ ...OPTIONS, ...options }, { ...targetOf(tensors, ranks), rank }, errorFeedback));
}

/** One step on every rank; returns each rank's output and payload bytes. */
async function step(compressors: readonly PowerSgd[], inputs: readonly Float32Array[], at: number, barrier = new RoundBarrier(compressors.length)): Promise<{ outs: Float32Array[]; bytes: number[] }> {
  const outs = inputs.map((input) => new Float32Array(input.length));
  const bytes = await Promise.all(compressors.map((c, rank) => c.reduce(inputs[rank], outs[rank], at, barrier.forRank(rank))));
  return { outs, bytes };
}

function randomVector(length: number, rng: Rng, scale = 1): Float32Array {
  const v = new Float32Array(length);
  for (let i = 0; i < length; i++) v[i] = scale * rng.normal();
  return v;
}

function sumOf(vectors: readonly Float32Array[]): Float32Array {
  const sum = new Float32Array(vectors[0].length);
  for (const v of vectors) for (let i = 0; i < sum.length; i++) sum[i] += v[i];
  return sum;
}

/** max |a - b| / max |b| over [start, end). */
function relativeError(a: Float32Array, b: Float32Array, start = 0, end = a.length): number {
  let diff = 0;
  let scale = 0;
  for (let i = start; i < end; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** Writes u diag(s) v^T (u: rows x k, v: cols x k, column-major) into out[offset..], row-major. */
function writeLowRank(out: Float32Array, offset: number, u: Float32Array, s: readonly number[], v: Float32Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let sum = 0;
      for (let k = 0; k < s.length; k++) sum += u[k * rows + i] * s[k] * v[k * cols + j];
      out[offset + i * cols + j] = sum;
    }
  }
}

const SMALL: [string, number[]][] = [
  ['a.weight', [40, 30]],
  ['a.bias', [30]],
  ['b.weight', [3, 3, 4, 8]], // a conv filter: the 36 x 8 matrix
  ['b.bias', [8]],
];

/**
 * Each rank's input at a step: both weights of rank 2 in column and row spaces fixed by `seed`
 * (the same on every rank and step, so the sum is rank 2 and warm start has a subspace to keep),
 * with coefficients drawn per rank and step; the biases random.
 */
function lowRankInputs(ranks: number, seed: number, at: number): Float32Array[] {
  const target = targetOf(SMALL);
  const fixed = new Rng(seed);
  const shapes = [
    { offset: 0, rows: 40, cols: 30 },
    { offset: 40 * 30 + 30, rows: 36, cols: 8 },
  ];
  const factors = shapes.map(({ rows, cols }) => ({ u: randomVector(rows * 2, fixed), v: randomVector(cols * 2, fixed) }));
  const rng = Rng.derive(seed, at);
  return Array.from({ length: ranks }, () => {
    const input = randomVector(target.length, rng);
    shapes.forEach(({ offset, rows, cols }, index) => {
      const { u, v } = factors[index];
      writeLowRank(input, offset, u, [1 + rng.next(), 0.5 + rng.next()], v, rows, cols);
    });
    return input;
  });
}

/** Whether a and b hold the same values (toEqual is slow on long typed arrays). */
function same(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe('PowerSGD', () => {
  it('reconstructs a sum of rank r exactly, with dense tensors summed exactly, on 2 and 4 ranks', async () => {
    for (const ranks of [2, 4]) {
      for (const errorFeedback of [false, true]) {
        const compressors = makeRanks(SMALL, ranks, {}, errorFeedback);
        for (let at = 0; at < 3; at++) {
          const inputs = lowRankInputs(ranks, 100 * ranks, at);
          const expected = sumOf(inputs);
          const { outs } = await step(compressors, inputs, at);
          expect(relativeError(outs[0], expected, 0, 1200)).toBeLessThan(1e-5);
          expect(relativeError(outs[0], expected, 1230, 1230 + 288)).toBeLessThan(1e-5);
          // biases: the float32 sum, as an uncompressed all-reduce gives it
          expect(outs[0].subarray(1200, 1230)).toEqual(expected.subarray(1200, 1230));
          expect(outs[0].subarray(1518)).toEqual(expected.subarray(1518));
          for (const out of outs) expect(same(out, outs[0])).toBe(true);
        }
      }
    }
  });

  it('estimates the sum, not the mean: N ranks give what one rank gives on the summed input', async () => {
    for (const ranks of [2, 4]) {
      const rng = new Rng(ranks);
      const many = makeRanks(MLP, ranks);
      const one = makeRanks(MLP, 1);
      for (let at = 0; at < 3; at++) {
        const inputs = Array.from({ length: ranks }, () => randomVector(269322, rng, 0.01));
        const { outs } = await step(many, inputs, at);
        const { outs: single } = await step(one, [sumOf(inputs)], at);
        expect(relativeError(outs[0], single[0])).toBeLessThan(1e-5);
        for (const out of outs) expect(same(out, outs[0])).toBe(true);
      }
    }
  });

  it('converges with warm start to the best rank-r approximation of a fixed matrix (power iteration)', async () => {
    const rows = 60;
    const cols = 50;
    const rng = new Rng(3);
    const u = randomVector(rows * 5, rng);
    const v = randomVector(cols * 5, rng);
    orthonormalize(u, rows, 5);
    orthonormalize(v, cols, 5);
    const spectrum = [10, 6, 1, 0.5, 0.25];
    const input = new Float32Array(rows * cols);
    writeLowRank(input, 0, u, spectrum, v, rows, cols);
    const best = new Float32Array(rows * cols);
    writeLowRank(best, 0, u, spectrum.slice(0, 2), v, rows, cols);
    const [compressor] = makeRanks([['w', [rows, cols]]], 1, { rank: 2 });
    let out: Float32Array = new Float32Array(0);
    for (let at = 0; at < 12; at++) out = (await step([compressor], [input], at)).outs[0];
    expect(relativeError(out, best)).toBeLessThan(1e-4);
  });

  it('without warm start draws a fresh Q each step, the same on every rank', async () => {
    const compressors = makeRanks(SMALL, 2, { warmStart: false });
    const rng = new Rng(9);
    const inputs = [randomVector(1526, rng), randomVector(1526, rng)];
    const first = await step(compressors, inputs, 0);
    const second = await step(compressors, inputs, 1);
    const again = await step(compressors, inputs, 1);
    expect(same(first.outs[0], first.outs[1])).toBe(true);
    expect(same(second.outs[0], first.outs[0])).toBe(false);
    expect(same(again.outs[0], second.outs[0])).toBe(true);
    const exact = lowRankInputs(2, 5, 0);
    const { outs } = await step(compressors, exact, 2);
    expect(relativeError(outs[0], sumOf(exact), 0, 1200)).toBeLessThan(1e-5);
  });

  it('sums the whole vector exactly, in one all-reduce, before startStep', async () => {
    const compressors = makeRanks(MLP, 2, { startStep: 3 });
    const rng = new Rng(4);
    for (let at = 0; at < 4; at++) {
      const barrier = new RoundBarrier(2);
      const inputs = [randomVector(269322, rng), randomVector(269322, rng)];
      const { outs, bytes } = await step(compressors, inputs, at, barrier);
      if (at < 3) {
        expect(same(outs[0], sumOf(inputs))).toBe(true);
        expect(barrier.calls).toEqual([[269322], [269322]]);
        expect(bytes).toEqual([269322 * 4, 269322 * 4]);
      } else {
        expect(barrier.calls[0]).toHaveLength(2);
        expect(bytes[0]).toBe(4158 * 4);
      }
    }
  });

  it('error feedback: summed outputs plus the ranks\' residuals equal the summed inputs', async () => {
    const ranks = 2;
    const compressors = makeRanks(MLP, ranks, { rank: 1 }, true);
    const rng = new Rng(11);
    const length = 269322;
    const inputsTotal = new Float64Array(length);
    const outsTotal = new Float64Array(length);
    for (let at = 0; at < 4; at++) {
      const inputs = Array.from({ length: ranks }, () => randomVector(length, rng, 0.01));
      const { outs } = await step(compressors, inputs, at);
      for (const input of inputs) for (let i = 0; i < length; i++) inputsTotal[i] += input[i];
      for (let i = 0; i < length; i++) outsTotal[i] += outs[0][i];
    }
    // residuals follow every Q in the state, in segment order of the compressed matrices
    const qLength = 256 + 256 + 10;
    const held = new Float64Array(length);
    for (const compressor of compressors) {
      const residuals = compressor.saveState()!.subarray(qLength);
      expect(residuals.length).toBe(200704 + 65536 + 2560);
      const offsets = [0, 200960, 266752];
      const sizes = [200704, 65536, 2560];
      let at = 0;
      offsets.forEach((offset, k) => {
        for (let i = 0; i < sizes[k]; i++) held[offset + i] += residuals[at + i];
        at += sizes[k];
      });
    }
    let worst = 0;
    for (let i = 0; i < length; i++) worst = Math.max(worst, Math.abs(outsTotal[i] + held[i] - inputsTotal[i]));
    expect(worst).toBeLessThan(1e-5);
    // the compression dropped something, which the residuals hold
    let heldNorm = 0;
    for (let i = 0; i < length; i++) heldNorm = Math.max(heldNorm, Math.abs(held[i]));
    expect(heldNorm).toBeGreaterThan(0.01);
  });

  it('error feedback: a rank keeps M - out / size after one step', async () => {
    const compressors = makeRanks(SMALL, 2, {}, true);
    const rng = new Rng(12);
    const inputs = [randomVector(1526, rng), randomVector(1526, rng)];
    const { outs } = await step(compressors, inputs, 0);
    const residuals = compressors[1].saveState()!.subarray(30 * 2 + 8 * 2);
    for (let i = 0; i < 1200; i++) expect(residuals[i]).toBeCloseTo(inputs[1][i] - outs[1][i] / 2, 6);
  });

  it('saves Q and residuals, and resumes to the identical next result', async () => {
    const rng = new Rng(13);
    const inputsAt = (): Float32Array[] => [randomVector(1526, rng), randomVector(1526, rng)];
    const original = makeRanks(SMALL, 2, {}, true);
    for (let at = 0; at < 3; at++) await step(original, inputsAt(), at);
    const states = original.map((c) => c.saveState()!);
    expect(states[0].length).toBe((30 + 8) * 2 + 1200 + 288);
    const resumed = makeRanks(SMALL, 2, {}, true);
    resumed.forEach((c, rank) => c.loadState(states[rank]));
    const next = inputsAt();
    const a = await step(original, next, 3);
    const b = await step(resumed, next, 3);
    expect(b.outs).toEqual(a.outs);
    expect(resumed.map((c) => c.saveState())).toEqual(original.map((c) => c.saveState()));
    expect(() => resumed[0].loadState(new Float32Array(5))).toThrow(LoomError);
    expect(() => resumed[0].loadState(new Float32Array(5))).toThrow(/^powersgd\(2\)\+ef: saved compressor state has 5 values, expected 1564 \(/);
  });

  it('all-reduces 2,340 / 4,158 / 7,794 floats per step on the 784-256-256-10 MLP at rank 1 / 2 / 4, in two rounds', async () => {
    const expected: [number, number, number, number][] = [
      // rank, floats, first round [biases | P's], second round [Q's]
      [1, 2340, 522 + 784 + 256 + 256, 256 + 256 + 10],
      [2, 4158, 522 + 2 * (784 + 256 + 256), 2 * (256 + 256 + 10)],
      [4, 7794, 522 + 4 * (784 + 256 + 256), 4 * (256 + 256 + 10)],
    ];
    for (const [rank, floats, first, second] of expected) {
      const spec = compressionSchema.parse({ type: 'powersgd', rank, errorFeedback: true });
      const compressors = [0, 1].map((r) => createCompressor(spec, { ...targetOf(MLP, 2), rank: r }) as PowerSgd);
      expect(compressors[0]).toBeInstanceOf(PowerSgd);
      expect(compressors[0].name).toBe(`powersgd(${rank})+ef`);
      expect(compressors[0].floatsPerStep).toBe(floats);
      const rng = new Rng(rank);
      for (let at = 0; at < 2; at++) {
        const barrier = new RoundBarrier(2);
        const inputs = [randomVector(269322, rng), new Float32Array(269322)]; // a rank with a zero gradient makes the same calls
        const { outs, bytes } = await step(compressors, inputs, at, barrier);
        expect(bytes).toEqual([floats * 4, floats * 4]);
        expect(barrier.calls).toEqual([[first, second], [first, second]]);
        expect(outs[0].every(Number.isFinite)).toBe(true);
      }
    }
  });

  it('leaves a matrix dense when minCompressionRate says so', () => {
    // 256 x 10 at rank 4: 2560 >= 2 * 4 * 266 = 2128 compresses; at rate 3 (3192) it does not
    expect(new PowerSgd({ ...OPTIONS, rank: 4 }, targetOf([MLP[4]]), false).floatsPerStep).toBe(4 * 266);
    expect(new PowerSgd({ ...OPTIONS, rank: 4, minCompressionRate: 3 }, targetOf([MLP[4]]), false).floatsPerStep).toBe(2560);
  });

  it('a zero gradient everywhere gives a zero sum, not NaN', async () => {
    const compressors = makeRanks(MLP, 2, {}, true);
    for (let at = 0; at < 2; at++) {
      const { outs } = await step(compressors, [new Float32Array(269322), new Float32Array(269322)], at);
      expect(outs[0].every((x) => x === 0)).toBe(true);
    }
  });

  it('writes into its input when out is the input', async () => {
    const inputs = lowRankInputs(2, 21, 0);
    const expected = sumOf(inputs);
    const compressors = makeRanks(SMALL, 2);
    const barrier = new RoundBarrier(2);
    await Promise.all(compressors.map((c, rank) => c.reduce(inputs[rank], inputs[rank], 0, barrier.forRank(rank))));
    expect(relativeError(inputs[0], expected)).toBeLessThan(1e-5);
  });

  it('refuses a rank above a matrix\'s smaller side in one line; validates its options', () => {
    const target = targetOf(MLP, 2);
    expect(() => checkCompression(compressionSchema.parse({ type: 'powersgd', rank: 300 }), target)).toThrow(
      new LoomError("powersgd compressor option rank=300 is invalid: it exceeds fc3.weight's smaller side (10)"),
    );
    expect(() => powerSgdPlugin.check!({ ...OPTIONS, rank: 11 }, target, false)).toThrow(/^powersgd compressor option rank=11 is invalid: it exceeds fc3\.weight's smaller side \(10\)$/);
    expect(() => powerSgdPlugin.check!({ ...OPTIONS, rank: 10 }, target, false)).not.toThrow();
    const unparsed = (options: Record<string, unknown>): CompressionSpec => ({ type: 'powersgd', errorFeedback: false, ...options });
    expect(() => checkCompression(unparsed({ rank: 0 }), target)).toThrow(/^powersgd compressor option rank=0 is invalid: expected a whole number >= 1$/);
    expect(() => checkCompression(unparsed({ rank: 1.5 }), target)).toThrow(/^powersgd compressor option rank=1\.5 is invalid: expected a whole number >= 1$/);
    expect(() => checkCompression(unparsed({ warmStart: 'yes' }), target)).toThrow(/^powersgd compressor option warmStart="yes" is invalid/);
    expect(compressionSchema.safeParse({ type: 'powersgd', ranks: 2 }).success).toBe(false);
    expect(compressionSchema.safeParse({ type: 'powersgd', minCompressionRate: 0.5 }).success).toBe(false);
    expect(powerSgdPlugin.options.parse({})).toEqual({ rank: 2, startStep: 0, minCompressionRate: 2, warmStart: true });
  });
});
