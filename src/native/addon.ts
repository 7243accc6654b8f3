/**
 * Loader of Loom's native kernels (native/, built from source by node-gyp at `npm install`).
 *
 * The addon works in place on memory it is handed: operands are byte offsets into one ArrayBuffer
 * (typically TensorFlow.js's wasm heap, `HEAPU8.buffer`), a SharedArrayBuffer or a TypedArray.
 * Where it is not built (no compiler at install), disabled (`LOOM_NATIVE=0`) or fails to load,
 * `nativeKernels()` is null and `nativeStatus()` says why; Loom then stays on WebAssembly.
 * `LOOM_NATIVE_ADDON=path` loads another build (the AddressSanitizer one: native/README.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Kernel names the addon may report: widest instruction set first. */
export type NativeKernelName = 'avx512f' | 'avx2-fma' | 'portable';

/** The f16 conversion paths the addon may report (native/half.cc): widest first. bf16 has one vectorized path. */
export type NativeHalfKernelName = 'avx512f' | 'avx2-f16c' | 'portable';

/** A 16-bit float format (src/util/half-float.ts's HalfFormat): IEEE binary16 or bfloat16. */
export type NativeHalfFormat = 'f16' | 'bf16';

/** Memory the operands live in; offsets are bytes from its start (a view's start for a view). */
export type NativeMemory = ArrayBuffer | SharedArrayBuffer | ArrayBufferView;

/**
 * C = act(alpha * op(A) op(B) + beta * C + bias), row-major float32; op(A) is M x K, op(B) K x N.
 * With transA, A is stored K x M; with transB, B is stored N x K. Leading dimensions default to the
 * stored widths. With beta = 0, C is not read. C must not overlap A, B or the bias.
 */
export interface SgemmOptions {
  readonly memory: NativeMemory;
  /** Byte offsets of A, B and C in `memory` (multiples of 4). */
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transA?: boolean;
  readonly transB?: boolean;
  readonly lda?: number;
  readonly ldb?: number;
  readonly ldc?: number;
  /** Default 1. */
  readonly alpha?: number;
  /** Default 0. */
  readonly beta?: number;
  /** Byte offset of N floats added to every row of C (after alpha and beta), or undefined. */
  readonly bias?: number;
  /** max(0, x) last. */
  readonly relu?: boolean;
}

/** The addon's own exports (native/binding.cc). */
export interface NativeBinding {
  sgemm(
    memory: ArrayBuffer | ArrayBufferView,
    aOffset: number,
    bOffset: number,
    cOffset: number,
    M: number,
    N: number,
    K: number,
    transA: boolean,
    transB: boolean,
    lda: number,
    ldb: number,
    ldc: number,
    alpha: number,
    beta: number,
    biasOffset: number,
    relu: boolean,
  ): void;
  conv2d(memory: ArrayBuffer | ArrayBufferView, xOffset: number, wOffset: number, yOffset: number, biasOffset: number, relu: boolean, ...geometry: number[]): void;
  conv2dBackpropInput(memory: ArrayBuffer | ArrayBufferView, dyOffset: number, wOffset: number, dxOffset: number, ...geometry: number[]): void;
  conv2dBackpropFilter(memory: ArrayBuffer | ArrayBufferView, xOffset: number, dyOffset: number, dwOffset: number, ...geometry: number[]): void;
  addRowVector(memory: ArrayBuffer | ArrayBufferView, xOffset: number, bOffset: number, yOffset: number, rows: number, cols: number): void;
  columnSums(memory: ArrayBuffer | ArrayBufferView, xOffset: number, outOffset: number, rows: number, cols: number): void;
  reluGrad(memory: ArrayBuffer | ArrayBufferView, dyOffset: number, xOffset: number, dxOffset: number, n: number): void;
  addInto(dst: Float32Array, src: Float32Array): void;
  /** Absent from builds that predate native/checksum.cc. */
  fletcher4Mix?(state: Uint8Array, data: Uint8Array): void;
  gatherScaledBytes(pixels: Uint8Array, sampleLength: number, indices: Int32Array, out: Float32Array): void;
  maxPoolGrad(memory: ArrayBuffer | ArrayBufferView, xOffset: number, dyOffset: number, dxOffset: number, ...geometry: number[]): void;
  sgdUpdate(
    params: Float32Array, grads: Float32Array, momentum: Float32Array | null,
    lr: number, weightDecay: number, carry: number, gain: number, gradWeight: number, momentumWeight: number,
  ): void;
  coordinateMedian(inputs: readonly Float32Array[], out: Float32Array, lower: boolean): void;
  trimmedMean(inputs: readonly Float32Array[], out: Float32Array, f: number): void;
  meanAroundMedian(inputs: readonly Float32Array[], out: Float32Array, count: number): void;
  pairwiseSquaredDistances(inputs: readonly Float32Array[], out: Float64Array): void;
  weiszfeldStep(inputs: readonly Float32Array[], weights: Float64Array, z: Float64Array, squared: Float64Array): void;
  rowAverage(inputs: readonly Float32Array[], out: Float32Array): void;
  /** Absent from builds that predate native/peak.cc; loading does not require it (only benches use it). */
  peakFma?(iterations: number, kernel: string): number;
  /** Absent from builds that predate native/norm.cc; loading does not require them (the composed ops run instead). */
  affineNorm?(
    memory: ArrayBuffer | ArrayBufferView, xOffset: number, gainOffset: number, biasOffset: number, residualOffset: number,
    yOffset: number, meanOffset: number, rstdOffset: number, samples: number, positions: number, channels: number, groups: number,
    eps: number, relu: boolean,
  ): void;
  affineNormGrad?(
    memory: ArrayBuffer | ArrayBufferView, dyOffset: number, xOffset: number, meanOffset: number, rstdOffset: number,
    gainOffset: number, yOffset: number, dxOffset: number, dgainOffset: number, dbiasOffset: number, dzOffset: number,
    samples: number, positions: number, channels: number, groups: number,
  ): void;
  /** Absent from builds that predate native/half.cc; loading does not require them (the JavaScript path runs instead). */
  floatsToHalf?(src: Float32Array, dst: Uint16Array, format: NativeHalfFormat): void;
  halfToFloats?(src: Uint16Array, dst: Float32Array, format: NativeHalfFormat): void;
  halfSum?(into: Uint16Array, from: Uint16Array, format: NativeHalfFormat): void;
  halfInfo?(): { kernel: NativeHalfKernelName; available: NativeHalfKernelName[] };
  setHalfKernel?(name: string): NativeHalfKernelName;
  info(): { kernel: NativeKernelName; simd: string; available: NativeKernelName[] };
  setKernel(name: string): NativeKernelName;
}

/**
 * 16-bit float kernels (native/half.cc), bit for bit src/util/half-float.ts: round to nearest, ties
 * to even, ±Infinity past the largest finite value, exact f16 subnormals, every NaN the format's
 * quiet NaN without sign (0x7e00, 0x7fc0; decoded: 0x7fc00000, as a JS NaN stored in a Float32Array).
 * Arrays of one length (a mismatch throws, naming both); a written array must not overlap a read one.
 */
export interface NativeHalfKernels {
  /** The f16 path in use (F16C at 16 or 8 lanes, or scalar); bf16 always runs one vectorized path. */
  readonly kernel: NativeHalfKernelName;
  /** The f16 paths this CPU has, widest first. */
  readonly available: readonly NativeHalfKernelName[];
  /** Selects the f16 path for later calls (tests, benchmarks); returns the previous one. */
  setKernel(name: NativeHalfKernelName): NativeHalfKernelName;
  /** dst[i] = the 16-bit pattern nearest to src[i]. */
  floatsToHalf(src: Float32Array, dst: Uint16Array, format: NativeHalfFormat): void;
  /** dst[i] = the value of src[i] (exact). */
  halfToFloats(src: Uint16Array, dst: Float32Array, format: NativeHalfFormat): void;
  /** into[i] = round(decode(into[i]) + decode(from[i])), the sum in float32 (the all-reduce's 'sum'); into may be from. */
  halfSum(into: Uint16Array, from: Uint16Array, format: NativeHalfFormat): void;
}

/**
 * A 2-D convolution over NHWC float32 tensors with the filter stored [FH, FW, Ci, Co]: output
 * position (oy, ox) reads input (oy*strideH + kh*dilationH - padTop, ox*strideW + kw*dilationW - padLeft),
 * taps outside the input read 0.
 */
export interface ConvGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
}

/** The geometry as the binding's 15 positional integers. */
function geometryArgs(g: ConvGeometry): number[] {
  return [
    g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels, g.filterHeight, g.filterWidth,
    g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth, g.padTop, g.padLeft,
  ];
}

/**
 * The layout of a group (or layer) normalisation: x is [samples, positions, channels] row-major,
 * the channels split into `groups` contiguous groups; statistics per (sample, group) over the
 * positions x channels of the group (NHWC GroupNorm: positions = H*W; LayerNorm: positions = 1,
 * groups = 1). Gain and bias hold one value per channel.
 */
export interface NormShape {
  readonly samples: number;
  readonly positions: number;
  readonly channels: number;
  readonly groups: number;
}

/** A 2-D pooling window walk over NHWC tensors: window (oy, ox) covers rows oy*strideH - padTop + [0, FH). */
export interface PoolGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly channels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
}

/** SGD's update (src/optim/sgd.ts): the same double-precision expression, the same bits. */
export interface SgdUpdate {
  readonly params: Float32Array;
  readonly grads: Float32Array;
  /** Null without momentum. */
  readonly momentum: Float32Array | null;
  readonly lr: number;
  readonly weightDecay: number;
  /** buf = carry*buf + gain*d; w -= lr*(gradWeight*d + momentumWeight*buf). */
  readonly carry: number;
  readonly gain: number;
  readonly gradWeight: number;
  readonly momentumWeight: number;
}

export interface NativeKernels {
  /** Micro-kernel in use, e.g. 'avx512f'. */
  readonly kernel: NativeKernelName;
  /** Its instruction set and tile, e.g. 'AVX-512F 512-bit, 12x32 micro-tile'. */
  readonly simd: string;
  /** Kernels this CPU can run, widest first. */
  readonly available: readonly NativeKernelName[];
  /** Path of the loaded addon. */
  readonly path: string;
  sgemm(options: SgemmOptions): void;
  /** y = act(conv2d(x, w) + bias); byte offsets into `memory`; bias is Co floats or undefined. */
  conv2d(memory: NativeMemory, g: ConvGeometry, o: { x: number; w: number; y: number; bias?: number; relu?: boolean }): void;
  /** dx of y = conv2d(x, w) given dy. */
  conv2dBackpropInput(memory: NativeMemory, g: ConvGeometry, o: { dy: number; w: number; dx: number }): void;
  /** dw of y = conv2d(x, w) given dy. */
  conv2dBackpropFilter(memory: NativeMemory, g: ConvGeometry, o: { x: number; dy: number; dw: number }): void;
  /**
   * dx of max pooling: each window's dy goes to the first position of its maximum (strict >, from
   * -Infinity; an all-NaN window passes nothing on), as TensorFlow.js's cpu backend.
   */
  maxPoolGrad(memory: NativeMemory, g: PoolGeometry, o: { x: number; dy: number; dx: number }): void;
  /** y[r, :] = x[r, :] + b for a rows x cols float32 matrix (y may be x); byte offsets. */
  addRowVector(memory: NativeMemory, o: { x: number; b: number; y: number; rows: number; cols: number }): void;
  /** out = the sum of x's rows (cols floats), accumulated in float64; byte offsets. */
  columnSums(memory: NativeMemory, o: { x: number; out: number; rows: number; cols: number }): void;
  /** dx = dy * step(x) over n floats (NaN where x is NaN, as TensorFlow.js); dx may be dy. */
  reluGrad(memory: NativeMemory, o: { dy: number; x: number; dx: number; n: number }): void;
  /** dst += src in float32 (the collectives' reduction); equal lengths; dst may be src but not overlap it otherwise; either may be shared memory. */
  addInto(dst: Float32Array, src: Float32Array): void;
  /**
   * The TCP frame checksum's lane sums (comm/kernels/fletcher4.ts): runs `data`'s whole 16-byte
   * blocks into `state`, 128 bytes of 16 little-endian u64 accumulators (state[4 * level + lane]).
   * Null in builds that predate native/checksum.cc (the WebAssembly path runs instead).
   */
  fletcher4Mix: ((state: Uint8Array, data: Uint8Array) => void) | null;
  /**
   * out[b * len + k] = pixels[indices[b] * len + k] / 255 in float32 (the bits of the JavaScript
   * division) for an image batch; out holds indices.length * len floats; every index is checked.
   */
  gatherScaledBytes(pixels: Uint8Array, sampleLength: number, indices: Int32Array, out: Float32Array): void;
  sgdUpdate(u: SgdUpdate): void;
  /**
   * Robust aggregation over n vectors of one length (native/robust_*.cc, src/robust/aggregators/):
   * per coordinate, the n values sorted with NaN above +Infinity. `out` must not overlap an input.
   * The median of an even count is the mean of the two middle values, or with `lower` the lower.
   */
  coordinateMedian(inputs: readonly Float32Array[], out: Float32Array, even: 'mean' | 'lower'): void;
  /** Per coordinate, the mean of the values left when the f lowest and f highest are dropped (2f < n). */
  trimmedMean(inputs: readonly Float32Array[], out: Float32Array, f: number): void;
  /** Per coordinate, the mean of the `count` values closest to the median, ties to the lower (1..n). */
  meanAroundMedian(inputs: readonly Float32Array[], out: Float32Array, count: number): void;
  /**
   * The n x n squared distances (row-major, zero diagonal) from the Gram matrix by the SGEMM; +Infinity
   * for a pair with a NaN or infinite entry; within a relative 2^-11 of the exact value.
   */
  pairwiseSquaredDistances(inputs: readonly Float32Array[]): Float64Array;
  /** z = sum_i w_i x_i / sum_i w_i (d doubles), then squared[i] = ||z - x_i||^2 (+Infinity for NaN). */
  weiszfeldStep(inputs: readonly Float32Array[], weights: Float64Array, z: Float64Array, squared: Float64Array): void;
  /** out = the mean of the inputs, summed in double in order (averageOf, bit for bit). */
  rowAverage(inputs: readonly Float32Array[], out: Float32Array): void;
  /**
   * The peak-FLOPs probe (native/peak.cc): `iterations` (<= 2^31 - 1) steps of 12 independent
   * float32 FMA chains at the vector width of `kernel` (one of `available`); returns the
   * floating-point operations done, for the caller to time. Null in an addon built before it.
   */
  readonly peakFma: ((iterations: number, kernel: NativeKernelName) => number) | null;
  /**
   * GroupNorm / LayerNorm forward (native/norm.cc; Wu & He 2018): y = act(xhat * gain + bias [+ residual]),
   * act ReLU when `relu`; writes mean and rstd ([samples, groups]) for the backward. Byte offsets.
   * Null in an addon built before it.
   */
  readonly affineNorm:
    | ((memory: NativeMemory, s: NormShape, o: {
      x: number; gain: number; bias: number; residual?: number; y: number; mean: number; rstd: number; eps: number; relu: boolean;
    }) => void)
    | null;
  /**
   * Its backward: with `y` the ReLU's mask is applied to dy first (and stored to `dz` when given:
   * the residual's gradient); then dx, dgain, dbias. Byte offsets. Null in an addon built before it.
   */
  readonly affineNormGrad:
    | ((memory: NativeMemory, s: NormShape, o: {
      dy: number; x: number; mean: number; rstd: number; gain: number; y?: number; dx: number; dgain: number; dbias: number; dz?: number;
    }) => void)
    | null;
  /** 16-bit float conversion and sums; null in an addon built before them. */
  readonly half: NativeHalfKernels | null;
  /** Selects the micro-kernel for later calls (tests, benchmarks); returns the previous one. */
  setKernel(name: NativeKernelName): NativeKernelName;
  /** The binding itself: positional arguments, no defaults. */
  readonly binding: NativeBinding;
}

export interface NativeStatus {
  readonly active: boolean;
  /** Why it is active or not, e.g. 'disabled by LOOM_NATIVE=0' or 'not built: run npm rebuild'. */
  readonly reason: string;
  readonly kernel?: NativeKernelName;
  readonly simd?: string;
  readonly path?: string;
}

interface Loaded {
  readonly kernels: NativeKernels | null;
  readonly status: NativeStatus;
}

/** The repository (or installed package) root: the nearest directory up with loom-ml's package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'loom-ml') return dir;
      } catch {
        // not ours; keep looking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
    dir = parent;
  }
}

/** Where the release build lands. */
export function defaultAddonPath(): string {
  return join(packageRoot(), 'native', 'build', 'Release', 'loom_native.node');
}

const sharedViews = new WeakMap<SharedArrayBuffer, Uint8Array>();

/** Node-API in Node 20 cannot take a SharedArrayBuffer itself, only a view of it. */
function asBindingMemory(memory: NativeMemory): ArrayBuffer | ArrayBufferView {
  if (typeof SharedArrayBuffer !== 'undefined' && memory instanceof SharedArrayBuffer) {
    let view = sharedViews.get(memory);
    if (view === undefined) {
      view = new Uint8Array(memory);
      sharedViews.set(memory, view);
    }
    return view;
  }
  return memory as ArrayBuffer | ArrayBufferView;
}

/** The 16-bit float kernels of a binding, or null when it predates them. */
function wrapHalf(binding: NativeBinding): NativeHalfKernels | null {
  const { floatsToHalf, halfToFloats, halfSum, halfInfo, setHalfKernel } = binding;
  if (!floatsToHalf || !halfToFloats || !halfSum || !halfInfo || !setHalfKernel) return null;
  return {
    get kernel() {
      return halfInfo.call(binding).kernel;
    },
    available: halfInfo.call(binding).available,
    setKernel: (name) => setHalfKernel.call(binding, name),
    floatsToHalf: floatsToHalf.bind(binding),
    halfToFloats: halfToFloats.bind(binding),
    halfSum: halfSum.bind(binding),
  };
}

function wrap(binding: NativeBinding, path: string): NativeKernels {
  const current = () => binding.info();
  const norm = binding.affineNorm?.bind(binding);
  const fletcher4Mix = binding.fletcher4Mix?.bind(binding);
  const normGrad = binding.affineNormGrad?.bind(binding);
  return {
    get kernel() {
      return current().kernel;
    },
    get simd() {
      return current().simd;
    },
    available: current().available,
    path,
    binding,
    setKernel: (name) => binding.setKernel(name),
    conv2d: (memory, g, o) => binding.conv2d(asBindingMemory(memory), o.x, o.w, o.y, o.bias ?? -1, o.relu ?? false, ...geometryArgs(g)),
    conv2dBackpropInput: (memory, g, o) => binding.conv2dBackpropInput(asBindingMemory(memory), o.dy, o.w, o.dx, ...geometryArgs(g)),
    conv2dBackpropFilter: (memory, g, o) => binding.conv2dBackpropFilter(asBindingMemory(memory), o.x, o.dy, o.dw, ...geometryArgs(g)),
    addRowVector: (memory, o) => binding.addRowVector(asBindingMemory(memory), o.x, o.b, o.y, o.rows, o.cols),
    columnSums: (memory, o) => binding.columnSums(asBindingMemory(memory), o.x, o.out, o.rows, o.cols),
    reluGrad: (memory, o) => binding.reluGrad(asBindingMemory(memory), o.dy, o.x, o.dx, o.n),
    addInto: (dst, src) => binding.addInto(dst, src),
    fletcher4Mix: fletcher4Mix === undefined ? null : (state, data) => fletcher4Mix(state, data),
    gatherScaledBytes: (pixels, sampleLength, indices, out) => binding.gatherScaledBytes(pixels, sampleLength, indices, out),
    maxPoolGrad: (memory, g, o) =>
      binding.maxPoolGrad(
        asBindingMemory(memory), o.x, o.dy, o.dx, g.batch, g.inHeight, g.inWidth, g.channels, g.outHeight, g.outWidth,
        g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth, g.padTop, g.padLeft,
      ),
    sgdUpdate: (u) =>
      binding.sgdUpdate(u.params, u.grads, u.momentum, u.lr, u.weightDecay, u.carry, u.gain, u.gradWeight, u.momentumWeight),
    coordinateMedian: (inputs, out, even) => binding.coordinateMedian(inputs, out, even === 'lower'),
    trimmedMean: (inputs, out, f) => binding.trimmedMean(inputs, out, f),
    meanAroundMedian: (inputs, out, count) => binding.meanAroundMedian(inputs, out, count),
    pairwiseSquaredDistances(inputs) {
      const out = new Float64Array(inputs.length * inputs.length);
      binding.pairwiseSquaredDistances(inputs, out);
      return out;
    },
    weiszfeldStep: (inputs, weights, z, squared) => binding.weiszfeldStep(inputs, weights, z, squared),
    rowAverage: (inputs, out) => binding.rowAverage(inputs, out),
    peakFma: binding.peakFma?.bind(binding) ?? null,
    half: wrapHalf(binding),
    affineNorm: norm === undefined ? null : (memory, s, o) =>
      norm(
        asBindingMemory(memory), o.x, o.gain, o.bias, o.residual ?? -1, o.y, o.mean, o.rstd,
        s.samples, s.positions, s.channels, s.groups, o.eps, o.relu,
      ),
    affineNormGrad: normGrad === undefined ? null : (memory, s, o) =>
      normGrad(
        asBindingMemory(memory), o.dy, o.x, o.mean, o.rstd, o.gain, o.y ?? -1, o.dx, o.dgain, o.dbias, o.dz ?? -1,
        s.samples, s.positions, s.channels, s.groups,
      ),
    sgemm(o: SgemmOptions): void {
      const transA = o.transA ?? false;
      const transB = o.transB ?? false;
      binding.sgemm(
        asBindingMemory(o.memory),
        o.a,
        o.b,
        o.c,
        o.m,
        o.n,
        o.k,
        transA,
        transB,
        o.lda ?? Math.max(1, transA ? o.m : o.k),
        o.ldb ?? Math.max(1, transB ? o.k : o.n),
        o.ldc ?? Math.max(1, o.n),
        o.alpha ?? 1,
        o.beta ?? 0,
        o.bias ?? -1,
        o.relu ?? false,
      );
    },
  };
}

/** Tries to load the addon as `env` says; does not cache (see `nativeKernels` for the cached one). */
export function loadNative(env: NodeJS.ProcessEnv = process.env): Loaded {
  if (env.LOOM_NATIVE === '0') return { kernels: null, status: { active: false, reason: 'disabled by LOOM_NATIVE=0' } };
  const override = env.LOOM_NATIVE_ADDON;
  const path = override ? resolve(override) : defaultAddonPath();
  if (!existsSync(path)) {
    const reason = override
      ? `LOOM_NATIVE_ADDON=${override} does not exist`
      : 'not built: run npm rebuild (needs a C++ compiler; see native/README.md)';
    return { kernels: null, status: { active: false, reason, path } };
  }
  try {
    const binding = createRequire(import.meta.url)(path) as NativeBinding;
    const missing = (['sgemm', 'info', 'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'maxPoolGrad', 'addRowVector', 'columnSums', 'reluGrad', 'addInto', 'gatherScaledBytes', 'sgdUpdate',
      'coordinateMedian', 'trimmedMean', 'meanAroundMedian', 'pairwiseSquaredDistances', 'weiszfeldStep', 'rowAverage'] as const).filter(
      (name) => typeof binding[name] !== 'function',
    );
    if (missing.length > 0) {
      throw new Error(`it does not export ${missing.join(', ')} (an older build? run npm rebuild)`);
    }
    const kernels = wrap(binding, path);
    const { kernel, simd } = binding.info();
    return { kernels, status: { active: true, reason: 'native kernels loaded', kernel, simd, path } };
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    return { kernels: null, status: { active: false, reason: `failed to load ${path}: ${message}`, path } };
  }
}

let cached: Loaded | null = null;

function loaded(): Loaded {
  cached ??= loadNative();
  return cached;
}

/** The native kernels, or null where they are not built, disabled or fail to load. */
export function nativeKernels(): NativeKernels | null {
  return loaded().kernels;
}

/** Whether the native kernels are active and why; `kernel`/`simd` describe the current micro-kernel. */
export function nativeStatus(): NativeStatus {
  const { kernels, status } = loaded();
  if (kernels === null) return status;
  return { ...status, kernel: kernels.kernel, simd: kernels.simd };
}
