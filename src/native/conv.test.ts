/**
 * The native convolutions against a float64 reference: forward (with and without bias and ReLU),
 * input gradient and filter gradient, over geometries that take both paths (direct for <= 32
 * output channels, im2col + GEMM above; the input gradient of a stride-1 convolution with <= 32
 * input channels as a direct convolution of dy with the flipped filter, or by GEMM where its
 * padding exceeds the filter's reach), odd sizes, strides, dilations, padding on every side,
 * 1x1 pointwise, a batch of 1 and empty tensors; bytes outside the output stay untouched; then
 * argument validation. Skipped, with the loader's reason, where the addon is not built.
 */
import { describe, expect, it } from 'vitest';
import { uniformRandom as rng } from './test-support/random.js';
import { nativeKernels, nativeStatus, type ConvGeometry } from './index.js';

const native = nativeKernels();
if (native === null) console.warn(`native convolution tests skipped: ${nativeStatus().reason}`);

const TOLERANCE = 1e-5;


interface Spec {
  n: number; h: number; w: number; ci: number; co: number; fh: number; fw: number;
  s?: [number, number]; d?: [number, number]; pad?: [number, number, number, number];
}

function geometry(c: Spec): ConvGeometry {
  const [sh, sw] = c.s ?? [1, 1];
  const [dh, dw] = c.d ?? [1, 1];
  const [top, bottom, left, right] = c.pad ?? [0, 0, 0, 0];
  const outHeight = Math.floor((c.h + top + bottom - dh * (c.fh - 1) - 1) / sh) + 1;
  const outWidth = Math.floor((c.w + left + right - dw * (c.fw - 1) - 1) / sw) + 1;
  return {
    batch: c.n, inHeight: c.h, inWidth: c.w, inChannels: c.ci, outHeight: Math.max(0, outHeight), outWidth: Math.max(0, outWidth),
    outChannels: c.co, filterHeight: c.fh, filterWidth: c.fw, strideHeight: sh, strideWidth: sw,
    dilationHeight: dh, dilationWidth: dw, padTop: top, padLeft: left,
  };
}

/** Calls f(n, oy, ox, kh, kw, iy, ix) for every tap that reads inside the input. */
function forTaps(g: ConvGeometry, f: (n: number, oy: number, ox: number, kh: number, kw: number, iy: number, ix: number) => void): void {
  for (let n = 0; n < g.batch; n++)
    for (let oy = 0; oy < g.outHeight; oy++)
      for (let ox = 0; ox < g.outWidth; ox++)
        for (let kh = 0; kh < g.filterHeight; kh++)
          for (let kw = 0; kw < g.filterWidth; kw++) {
            const iy = oy * g.strideHeight + kh * g.dilationHeight - g.padTop;
            const ix = ox * g.strideWidth + kw * g.dilationWidth - g.padLeft;
            if (iy >= 0 && iy < g.inHeight && ix >= 0 && ix < g.inWidth) f(n, oy, ox, kh, kw, iy, ix);
          }
}

const sizes = (g: ConvGeometry) => ({
  x: g.batch * g.inHeight * g.inWidth * g.inChannels,
  y: g.batch * g.outHeight * g.outWidth * g.outChannels,
  w: g.filterHeight * g.filterWidth * g.inChannels * g.outChannels,
});

function reference(g: ConvGeometry, x: Float32Array, w: Float32Array, dy: Float32Array) {
  const { inChannels: ci, outChannels: co } = g;
  const s = sizes(g);
  const y = new Float64Array(s.y);
  const dx = new Float64Array(s.x);
  const dw = new Float64Array(s.w);
  forTaps(g, (n, oy, ox, kh, kw, iy, ix) => {
    const yo = ((n * g.outHeight + oy) * g.outWidth + ox) * co;
    const xo = ((n * g.inHeight + iy) * g.inWidth + ix) * ci;
    const wo = (kh * g.filterWidth + kw) * ci * co;
    for (let c = 0; c < ci; c++)
      for (let o = 0; o < co; o++) {
        y[yo + o]! += x[xo + c]! * w[wo + c * co + o]!;
        dx[xo + c]! += dy[yo + o]! * w[wo + c * co + o]!;
        dw[wo + c * co + o]! += x[xo + c]! * dy[yo + o]!;
      }
  });
  return { y, dx, dw };
}

/** max|got - want| / max(1, max|want|), the measure of the GEMM tests. */
function error(got: Float32Array, want: Float64Array): number {
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return diff / scale;
}

const CASES: Spec[] = [
  { n: 2, h: 28, w: 28, ci: 1, co: 6, fh: 5, fw: 5, pad: [2, 2, 2, 2] },        // LeNet conv1
  { n: 2, h: 14, w: 14, ci: 6, co: 16, fh: 5, fw: 5 },                          // LeNet conv2
  { n: 1, h: 7, w: 7, ci: 3, co: 17, fh: 3, fw: 3, pad: [1, 1, 1, 1] },          // two 16-channel blocks, one ragged
  { n: 3, h: 9, w: 11, ci: 5, co: 33, fh: 3, fw: 2, s: [2, 1], pad: [1, 0, 0, 1] }, // GEMM path, asymmetric everything
  { n: 2, h: 16, w: 16, ci: 16, co: 64, fh: 3, fw: 3, pad: [1, 1, 1, 1] },        // ResNet-like, GEMM
  { n: 2, h: 8, w: 8, ci: 7, co: 40, fh: 1, fw: 1 },                            // pointwise, GEMM without im2col
  { n: 2, h: 8, w: 8, ci: 7, co: 5, fh: 1, fw: 1 },                             // pointwise, direct
  { n: 1, h: 33, w: 7, ci: 2, co: 3, fh: 3, fw: 3, d: [2, 3], pad: [2, 2, 3, 3] },  // dilated, direct
  { n: 1, h: 13, w: 13, ci: 4, co: 48, fh: 3, fw: 3, d: [2, 2], s: [2, 2] },     // dilated + strided, GEMM
  { n: 1, h: 1, w: 1, ci: 1, co: 1, fh: 1, fw: 1 },
  { n: 1, h: 5, w: 4, ci: 257, co: 2, fh: 2, fw: 2, s: [3, 3] },                 // long patch rows
  { n: 2, h: 6, w: 6, ci: 3, co: 4, fh: 7, fw: 7, pad: [3, 3, 3, 3] },           // filter larger than the input
  { n: 0, h: 5, w: 5, ci: 2, co: 3, fh: 3, fw: 3 },                             // empty batch
  { n: 2, h: 12, w: 10, ci: 16, co: 16, fh: 3, fw: 3, pad: [1, 1, 1, 1] },       // ResNet block: direct input gradient
  { n: 1, h: 5, w: 6, ci: 3, co: 4, fh: 2, fw: 2, pad: [2, 0, 0, 2] },           // padding past the filter: input gradient by GEMM
];

describe.skipIf(native === null)('native conv2d kernels', () => {
  for (const [i, spec] of CASES.entries()) {
    const g = geometry(spec);
    const label = `N${g.batch} ${g.inHeight}x${g.inWidth}x${g.inChannels} -> ${g.outHeight}x${g.outWidth}x${g.outChannels}, ` +
      `${g.filterHeight}x${g.filterWidth} s${g.strideHeight},${g.strideWidth} d${g.dilationHeight},${g.dilationWidth} pad ${spec.pad ?? 0}`;
    it(`${label}: forward, bias+ReLU, input and filter gradients`, () => {
      const next = rng(100 + i);
      const s = sizes(g);
      // One buffer, operands at offsets, a guard band of NaNs around each output.
      const guard = 16;
      const layout = { x: guard, w: 2 * guard + s.x, dy: 3 * guard + s.x + s.w, bias: 4 * guard + s.x + s.w + s.y };
      const outAt = layout.bias + g.outChannels + guard;
      const total = outAt + Math.max(s.x, s.y, s.w) + guard;
      const mem = new Float32Array(total).fill(Number.NaN);
      for (const [at, len] of [[layout.x, s.x], [layout.w, s.w], [layout.dy, s.y], [layout.bias, g.outChannels]] as const) {
        for (let k = 0; k < len; k++) mem[at + k] = next();
      }
      const x = mem.slice(layout.x, layout.x + s.x);
      const w = mem.slice(layout.w, layout.w + s.w);
      const dy = mem.slice(layout.dy, layout.dy + s.y);
      const bias = mem.slice(layout.bias, layout.bias + g.outChannels);
      const ref = reference(g, x, w, dy);
      const out = () => mem.slice(outAt, outAt + total - outAt - guard);
      const untouched = (len: number) => {
        for (let k = outAt - guard; k < outAt; k++) expect(mem[k]).toBeNaN();
        for (let k = outAt + len; k < total; k++) expect(mem[k]).toBeNaN();
      };
      const reset = () => mem.fill(Number.NaN, outAt - guard);

      native!.conv2d(mem, g, { x: layout.x * 4, w: layout.w * 4, y: outAt * 4 });
      expect(error(out().subarray(0, s.y), ref.y)).toBeLessThanOrEqual(TOLERANCE);
      untouched(s.y);

      reset();
      native!.conv2d(mem, g, { x: layout.x * 4, w: layout.w * 4, y: outAt * 4, bias: layout.bias * 4, relu: true });
      const fused = ref.y.map((v, k) => Math.max(0, v + bias[k % g.outChannels]!));
      expect(error(out().subarray(0, s.y), fused)).toBeLessThanOrEqual(TOLERANCE);
      untouched(s.y);

      reset();
      native!.conv2dBackpropInput(mem, g, { dy: layout.dy * 4, w: layout.w * 4, dx: outAt * 4 });
      expect(error(out().subarray(0, s.x), ref.dx)).toBeLessThanOrEqual(TOLERANCE);
      untouched(s.x);

      reset();
      native!.conv2dBackpropFilter(mem, g, { x: layout.x * 4, dy: layout.dy * 4, dw: outAt * 4 });
      expect(error(out().subarray(0, s.w), ref.dw)).toBeLessThanOrEqual(TOLERANCE);
      untouched(s.w);
    });
  }

  it('sums a long filter gradient accurately (LeNet conv1 at batch 128: 100k positions)', () => {
    const g = geometry({ n: 128, h: 28, w: 28, ci: 1, co: 6, fh: 5, fw: 5, pad: [2, 2, 2, 2] });
    const s = sizes(g);
    const next = rng(7);
    const x = Float32Array.from({ length: s.x }, () => Math.abs(next()));  // same sign: errors add up
    const dy = Float32Array.from({ length: s.y }, () => Math.abs(next()));
    const mem = new Float32Array(s.x + s.y + s.w);
    mem.set(x, 0);
    mem.set(dy, s.x);
    native!.conv2dBackpropFilter(mem, g, { x: 0, dy: s.x * 4, dw: (s.x + s.y) * 4 });
    const ref = reference(g, x, new Float32Array(s.w), dy).dw;
    expect(error(mem.subarray(s.x + s.y), ref)).toBeLessThanOrEqual(TOLERANCE);
  });

  describe('argument validation', () => {
    const g = geometry({ n: 1, h: 4, w: 4, ci: 1, co: 2, fh: 3, fw: 3 });
    const buffer = new ArrayBuffer(1024);
    const expectError = (fn: () => void, pattern: RegExp) => {
      let message = '';
      try {
        fn();
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, 'should throw').toMatch(pattern);
      expect(message).not.toContain('\n');
    };
    it('names the operand out of bounds, overlapping or misaligned', () => {
      expectError(() => native!.conv2d(buffer, g, { x: 1000, w: 100, y: 200 }), /^conv2d: x \(16 x 1, ld 1\) at xOffset 1000 needs bytes up to 1064 but memory has 1024$/);
      expectError(() => native!.conv2d(buffer, g, { x: 0, w: 100, y: 40 }), /^conv2d: y .* overlaps x/);
      expectError(() => native!.conv2dBackpropFilter(buffer, g, { x: 0, dy: 100, dw: 102 }), /^conv2dBackpropFilter: dwOffset 102 is not 4-byte aligned$/);
      expectError(() => native!.conv2dBackpropInput(buffer, g, { dy: 0, w: 100, dx: 1020 }), /^conv2dBackpropInput: dx .* needs bytes/);
      expectError(() => native!.conv2d(buffer, g, { x: 0, w: 100, y: 200, bias: 1022 }), /^conv2d: biasOffset 1022 is not 4-byte aligned$/);
    });
    it('names a bad geometry value', () => {
      expectError(() => native!.conv2d(buffer, { ...g, strideHeight: 0 }, { x: 0, w: 100, y: 200 }), /^conv2d: strideH must be an integer in \[1, 2147483647\] \(got 0\)$/);
      expectError(() => native!.conv2d(buffer, { ...g, padLeft: -1 }, { x: 0, w: 100, y: 200 }), /^conv2d: padLeft must be an integer in \[0,/);
      expectError(() => native!.conv2d(buffer, { ...g, batch: 1.5 }, { x: 0, w: 100, y: 200 }), /^conv2d: N must be an integer .*got 1.5/);
      expectError(
        () => native!.conv2d(buffer, { ...g, batch: 2 ** 30, inHeight: 2 ** 30 }, { x: 0, w: 100, y: 200 }),
        /^conv2d: the input would hold more than 2\^50 floats$/,
      );
      expectError(() => (native!.binding.conv2d as (...a: unknown[]) => void)(buffer, 0, 0, 0), /^conv2d: expected 21 arguments, got 4/);
    });
  });
});
