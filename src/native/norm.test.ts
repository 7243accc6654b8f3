/**
 * The native GroupNorm / LayerNorm kernels (native/norm.cc) against a float64 reference written
 * from Wu & He (2018): forward (mean, rstd, y with and without the residual and the ReLU) and
 * backward (dx, dgain, dbias, the masked dz), bytes outside the outputs untouched, empty tensors,
 * the ReLU mask's NaN rule; argument checks; and an addon built before norm.cc still loads (the
 * norm is then null and the composed ops run).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uniformRandom } from './test-support/random.js';
import { loadNative, nativeKernels, nativeStatus, type NativeKernels, type NormShape } from './index.js';

const loaded = nativeKernels();
const native: NativeKernels | null = loaded !== null && loaded.affineNorm !== null ? loaded : null;
if (native === null) console.warn(`native norm tests skipped: ${loaded === null ? nativeStatus().reason : 'the addon predates native/norm.cc'}`);

/** Relative to max(1, |reference|): float32 results of float64-accumulated statistics. */
const TOLERANCE = 1e-5;
const EPS = 1e-5;

interface Reference {
  y: Float64Array; mean: Float64Array; rstd: Float64Array; dx: Float64Array; dgain: Float64Array; dbias: Float64Array; dz: Float64Array;
}

/** Forward and backward in float64, straight from the definitions. */
function reference(s: NormShape, x: Float32Array, gain: Float32Array, bias: Float32Array, residual: Float32Array | null, relu: boolean, dy: Float32Array): Reference {
  const { samples: S, positions: P, channels: C, groups: G } = s;
  const D = C / G;
  const n = S * P * C;
  const r: Reference = {
    y: new Float64Array(n), mean: new Float64Array(S * G), rstd: new Float64Array(S * G), dx: new Float64Array(n),
    dgain: new Float64Array(C), dbias: new Float64Array(C), dz: new Float64Array(n),
  };
  const idx = (i: number, p: number, c: number) => (i * P + p) * C + c;
  for (let i = 0; i < S; i++) {
    for (let g = 0; g < G; g++) {
      let sum = 0;
      for (let p = 0; p < P; p++) for (let c = g * D; c < (g + 1) * D; c++) sum += x[idx(i, p, c)]!;
      const mean = sum / (P * D);
      let sq = 0;
      for (let p = 0; p < P; p++) for (let c = g * D; c < (g + 1) * D; c++) sq += (x[idx(i, p, c)]! - mean) ** 2;
      const rstd = 1 / Math.sqrt(sq / (P * D) + EPS);
      r.mean[i * G + g] = mean;
      r.rstd[i * G + g] = rstd;
      const xhat = (p: number, c: number) => (x[idx(i, p, c)]! - mean) * rstd;
      let a = 0;
      let b = 0;
      for (let p = 0; p < P; p++) {
        for (let c = g * D; c < (g + 1) * D; c++) {
          const k = idx(i, p, c);
          const pre = xhat(p, c) * gain[c]! + bias[c]! + (residual ? residual[k]! : 0);
          r.y[k] = relu ? Math.max(0, pre) : pre;
          r.dz[k] = relu && !(pre > 0) ? 0 : dy[k]!;
          r.dbias[c] += r.dz[k]!;
          r.dgain[c] += r.dz[k]! * xhat(p, c);
          a += r.dz[k]! * gain[c]!;
          b += r.dz[k]! * gain[c]! * xhat(p, c);
        }
      }
      for (let p = 0; p < P; p++) {
        for (let c = g * D; c < (g + 1) * D; c++) {
          const k = idx(i, p, c);
          r.dx[k] = rstd * (r.dz[k]! * gain[c]! - a / (P * D) - xhat(p, c) * (b / (P * D)));
        }
      }
    }
  }
  return r;
}

function relErr(got: Float32Array, want: Float64Array): number {
  let diff = 0;
  let ref = 1;
  want.forEach((w, i) => {
    diff = Math.max(diff, Math.abs(got[i]! - w));
    ref = Math.max(ref, Math.abs(w));
  });
  return diff / ref;
}

const SENTINEL = 12345;

/** Lays the operands out in one buffer with a sentinel float between each, runs both kernels, compares. */
function runCase(kernels: NativeKernels, s: NormShape, opts: { relu: boolean; residual: boolean; seed: number }): number {
  const rand = uniformRandom(opts.seed);
  const n = s.samples * s.positions * s.channels;
  const fill = (len: number, scale: number, shift: number) => Float32Array.from({ length: len }, () => shift + scale * rand());
  const x = fill(n, 4, 1.5);
  const gain = fill(s.channels, 0.8, 1);
  const bias = fill(s.channels, 0.5, 0);
  const residual = opts.residual ? fill(n, 1, 0) : null;
  const dy = fill(n, 1, 0);
  const sizes = { x: n, gain: s.channels, bias: s.channels, residual: n, dy: n, y: n, mean: s.samples * s.groups, rstd: s.samples * s.groups,
    dx: n, dgain: s.channels, dbias: s.channels, dz: n };
  const at: Record<string, number> = {};
  let total = 1;
  for (const [name, len] of Object.entries(sizes)) {
    at[name] = total * 4;
    total += len + 1;
  }
  const mem = new Float32Array(total).fill(SENTINEL);
  const put = (name: string, v: Float32Array) => mem.set(v, at[name]! / 4);
  put('x', x); put('gain', gain); put('bias', bias); put('dy', dy);
  if (residual) put('residual', residual);
  const view = (name: string) => mem.subarray(at[name]! / 4, at[name]! / 4 + sizes[name as keyof typeof sizes]);
  kernels.affineNorm!(mem, s, {
    x: at.x!, gain: at.gain!, bias: at.bias!, y: at.y!, mean: at.mean!, rstd: at.rstd!, eps: EPS, relu: opts.relu,
    ...(residual ? { residual: at.residual! } : {}),
  });
  kernels.affineNormGrad!(mem, s, {
    dy: at.dy!, x: at.x!, mean: at.mean!, rstd: at.rstd!, gain: at.gain!, dx: at.dx!, dgain: at.dgain!, dbias: at.dbias!,
    ...(opts.relu ? { y: at.y! } : {}), ...(residual ? { dz: at.dz! } : {}),
  });
  const want = reference(s, x, gain, bias, residual, opts.relu, dy);
  const errs = [
    relErr(view('y'), want.y), relErr(view('mean'), want.mean), relErr(view('rstd'), want.rstd), relErr(view('dx'), want.dx),
    relErr(view('dgain'), want.dgain), relErr(view('dbias'), want.dbias),
  ];
  if (residual) errs.push(relErr(view('dz'), want.dz));
  // The separators between operands are untouched (and dz is not written without a residual).
  Object.values(at).forEach((offset) => expect(mem[offset / 4 - 1]).toBe(SENTINEL));
  if (!residual) expect(view('dz').every((v) => v === SENTINEL)).toBe(true);
  return Math.max(...errs);
}

describe.skipIf(native === null)('native GroupNorm / LayerNorm vs a float64 reference', () => {
  const shapes: [string, NormShape][] = [
    ['ResNet stem block [2, 28*28, 16], 8 groups', { samples: 2, positions: 784, channels: 16, groups: 8 }],
    ['[3, 49, 64], 8 groups', { samples: 3, positions: 49, channels: 64, groups: 8 }],
    ['odd [5, 7, 9], 3 groups', { samples: 5, positions: 7, channels: 9, groups: 3 }],
    ['one group (LayerNorm-like over positions too) [2, 5, 6]', { samples: 2, positions: 5, channels: 6, groups: 1 }],
    ['LayerNorm rows [7, 1, 33]', { samples: 7, positions: 1, channels: 33, groups: 1 }],
    ['a group per channel [2, 3, 4]', { samples: 2, positions: 3, channels: 4, groups: 4 }],
    ['a batch of 1 [1, 10, 8]', { samples: 1, positions: 10, channels: 8, groups: 2 }],
    ['LayerNorm rows of 32 (16 at a time) [9, 1, 32]', { samples: 9, positions: 1, channels: 32, groups: 1 }],
    ['130 positions: a partial flush block [2, 130, 16]', { samples: 2, positions: 130, channels: 16, groups: 2 }],
  ];
  for (const [name, s] of shapes) {
    for (const [relu, residual] of [[false, false], [true, false], [true, true], [false, true]] as const) {
      it(`${name}${relu ? ', ReLU' : ''}${residual ? ', residual' : ''}`, () => {
        expect(runCase(native!, s, { relu, residual, seed: s.channels * 7 + s.positions + (relu ? 1 : 0) + (residual ? 2 : 0) })).toBeLessThan(TOLERANCE);
      });
    }
  }

  it('a large mean over a small spread (x ~ 1000 +- 0.1): the variance does not cancel', () => {
    for (const channels of [16, 6]) {
      const s = { samples: 2, positions: 200, channels, groups: 2 };
      const n = s.samples * s.positions * channels;
      const rand = uniformRandom(channels);
      const mem = new Float32Array(2 * n + 4 * channels + 8);
      for (let i = 0; i < n; i++) mem[i] = 1000 + 0.1 * rand();
      mem.fill(1, n, n + channels); // gain; bias 0
      const [mean, rstd, y] = [n + 2 * channels, n + 2 * channels + 4, n + 2 * channels + 8];
      native!.affineNorm!(mem, s, { x: 0, gain: 4 * n, bias: 4 * (n + channels), y: 4 * y, mean: 4 * mean, rstd: 4 * rstd, eps: EPS, relu: false });
      const want = reference(s, mem.slice(0, n), new Float32Array(channels).fill(1), new Float32Array(channels), null, false, new Float32Array(n));
      // rstd ~ 17, each group's to a relative 1e-6 (y itself is only as good as x's float32 resolution
      // at 1000, 6e-5, i.e. 6e-4 of the spread, so it is not compared here).
      want.rstd.forEach((r, i) => expect(Math.abs(mem[rstd + i]! / r - 1), `${channels} channels, group ${i}`).toBeLessThan(1e-6));
    }
  });

  it('empty tensors: no samples gives zero dgain and dbias', () => {
    const mem = new Float32Array(16).fill(7);
    const s = { samples: 0, positions: 4, channels: 2, groups: 1 };
    native!.affineNorm!(mem, s, { x: 0, gain: 0, bias: 8, y: 16, mean: 16, rstd: 16, eps: EPS, relu: true });
    native!.affineNormGrad!(mem, s, { dy: 0, x: 0, mean: 0, rstd: 0, gain: 0, dx: 32, dgain: 32, dbias: 40 });
    expect(Array.from(mem.subarray(8, 12))).toEqual([0, 0, 0, 0]);
    expect(mem[12]).toBe(7);
  });

  it("masks dy by the ReLU's output as TensorFlow.js's Relu gradient: dy where y > 0, NaN where y is NaN, else 0", () => {
    // One sample, one position, 4 channels, 4 groups: xhat = 0, so y = relu(bias + residual) exactly.
    const s = { samples: 1, positions: 1, channels: 4, groups: 4 };
    const mem = new Float32Array(40);
    mem.set([1, 2, 3, 4], 0); // x
    mem.set([1, 1, 1, 1], 4); // gain
    mem.set([0.5, -0.5, 0, Number.NaN], 8); // bias
    mem.set([2, 3, 5, 7], 12); // dy
    native!.affineNorm!(mem, s, { x: 0, gain: 16, bias: 32, y: 64, mean: 80, rstd: 96, eps: EPS, relu: true });
    expect(Array.from(mem.subarray(16, 20))).toEqual([0.5, 0, 0, Number.NaN]);
    native!.affineNormGrad!(mem, s, { dy: 48, x: 0, mean: 80, rstd: 96, gain: 16, y: 64, dx: 112, dgain: 128, dbias: 144 });
    expect(Array.from(mem.subarray(36, 40))).toEqual([2, 0, 0, Number.NaN]); // dbias = dz summed over one position
  });

  it('checks its arguments', () => {
    const mem = new Float32Array(64);
    const s = { samples: 2, positions: 2, channels: 4, groups: 2 };
    const forward = (over: Partial<Parameters<NonNullable<NativeKernels['affineNorm']>>[2]>, shape: NormShape = s) =>
      () => native!.affineNorm!(mem, shape, { x: 0, gain: 64, bias: 80, y: 96, mean: 224, rstd: 240, eps: EPS, relu: false, ...over });
    expect(forward({})).not.toThrow();
    expect(forward({}, { ...s, groups: 3 })).toThrow('affineNorm: groups 3 does not divide channels 4');
    expect(forward({}, { ...s, groups: 0 })).toThrow(/affineNorm: groups must be an integer in \[1, /);
    expect(forward({ y: 8 })).toThrow(/affineNorm: y \(bytes .*\) overlaps x/);
    expect(forward({ mean: 100 })).toThrow(/affineNorm: y \(bytes .*\) overlaps mean/);
    expect(forward({ x: 2 })).toThrow('affineNorm: xOffset 2 is not 4-byte aligned');
    expect(forward({ rstd: 248 })).toThrow(/affineNorm: rstd .* needs bytes up to 264 but memory has 256/);
    expect(forward({ eps: -1 })).toThrow('affineNorm: eps must be a finite number >= 0');
    const big = new Float32Array(128);
    const backward = (over: Partial<Parameters<NonNullable<NativeKernels['affineNormGrad']>>[2]>) =>
      () => native!.affineNormGrad!(big, s, { dy: 0, x: 64, gain: 128, mean: 224, rstd: 240, dx: 256, dgain: 320, dbias: 336, ...over });
    expect(backward({})).not.toThrow();
    expect(backward({ dbias: 332 })).toThrow(/affineNormGrad: dgain \(bytes .*\) overlaps dbias/);
    expect(backward({ dz: 176 })).toThrow(/affineNormGrad: dz \(bytes .*\) overlaps mean/);
    expect(backward({ y: 0, dx: 32 })).toThrow(/affineNormGrad: dx \(bytes .*\) overlaps dy/);
  });
});

describe('native loader and the norm', () => {
  it('an addon built before native/norm.cc still loads; its norm is null', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-old-addon-'));
    try {
      const names = ['sgemm', 'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'maxPoolGrad', 'addRowVector', 'columnSums',
        'reluGrad', 'addInto', 'gatherScaledBytes', 'sgdUpdate', 'coordinateMedian', 'trimmedMean', 'meanAroundMedian',
        'pairwiseSquaredDistances', 'weiszfeldStep', 'rowAverage', 'setKernel'];
      const file = join(dir, 'old_addon.js');
      writeFileSync(file, `${names.map((n) => `exports.${n} = () => {};`).join('\n')}\n` +
        "exports.info = () => ({ kernel: 'portable', simd: 'test double', available: ['portable'] });\n");
      const { LOOM_NATIVE: _disabled, ...env } = process.env;
      const { kernels, status } = loadNative({ ...env, LOOM_NATIVE_ADDON: file });
      expect(status.reason).toBe('native kernels loaded');
      expect(kernels?.affineNorm).toBeNull();
      expect(kernels?.fletcher4Mix).toBeNull(); // nor native/checksum.cc
      expect(kernels?.affineNormGrad).toBeNull();
      expect(kernels?.peakFma).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
