/**
 * The native SGEMM against a float64 reference: every transpose combination, edge shapes, training
 * shapes, alpha/beta, padded leading dimensions, the bias+ReLU epilogue, operands at offsets inside
 * one ArrayBuffer, a WebAssembly.Memory (plain and shared) and views; then argument validation.
 * Every micro-kernel the CPU supports runs the numeric cases. Bytes outside C must stay untouched.
 *
 * Where the addon is not built, the numeric cases are skipped with the loader's reason printed.
 */
import { describe, expect, it } from 'vitest';
import { uniformRandom as rng } from './test-support/random.js';
import { loadNative, nativeKernels, nativeStatus, type NativeKernels, type NativeMemory } from './addon.js';

const native = nativeKernels();
if (native === null) {
  console.warn(`native kernel tests skipped: ${nativeStatus().reason}`);
}

const TOLERANCE = 1e-5;

// A build named explicitly (the sanitizer recipe) must load: otherwise every case would skip.
it.runIf(process.env.LOOM_NATIVE_ADDON !== undefined)('the addon named by LOOM_NATIVE_ADDON loads', () => {
  expect(native, nativeStatus().reason).not.toBeNull();
});

/** The slice of the WebAssembly global used here (the project's lib settings carry no DOM types). */
interface WasmMemoryCtor {
  new (descriptor: { initial: number; maximum?: number; shared?: boolean }): { buffer: ArrayBuffer | SharedArrayBuffer };
}
const WasmMemory = (globalThis as unknown as { WebAssembly: { Memory: WasmMemoryCtor } }).WebAssembly.Memory;


interface Case {
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  /** Extra elements per row beyond the stored width (filled with NaN: must never be read). */
  pad?: number;
  alpha?: number;
  beta?: number;
  bias?: boolean;
  relu?: boolean;
  seed?: number;
}

type Placement = 'arraybuffer' | 'wasm' | 'wasm-shared' | 'view';

/**
 * Lays A, B, C (and the bias) out at non-zero offsets with NaN gaps in one memory, runs the kernel,
 * checks every byte outside C's cells is unchanged and returns ||C - ref||_inf / max(1, ||ref||_inf).
 */
function runCase(kernels: NativeKernels, c: Case, placement: Placement = 'arraybuffer'): number {
  const { m, n, k } = c;
  const transA = c.transA ?? false;
  const transB = c.transB ?? false;
  const pad = c.pad ?? 0;
  const alpha = c.alpha ?? 1;
  const beta = c.beta ?? 0;
  const next = rng(c.seed ?? m * 7919 + n * 104729 + k * 1299709 + (transA ? 1 : 0) + (transB ? 2 : 0));
  const [aRows, aCols] = transA ? [k, m] : [m, k];
  const [bRows, bCols] = transB ? [n, k] : [k, n];
  const lda = Math.max(1, aCols + pad);
  const ldb = Math.max(1, bCols + pad);
  const ldc = Math.max(1, n + pad);
  const GAP = 37; // floats between operands, odd so that offsets are not all 16-byte aligned
  let cursor = 13;
  const place = (floats: number) => {
    const at = cursor;
    cursor += floats + GAP;
    return at;
  };
  const aAt = place(aRows * lda);
  const bAt = place(bRows * ldb);
  const cAt = place(m * ldc);
  const biasAt = place(n);
  const floats = cursor;

  const bytes = floats * 4;
  let memory: NativeMemory;
  let f32: Float32Array;
  let base = 0; // byte offset of float 0 from the start of `memory`
  if (placement === 'wasm' || placement === 'wasm-shared') {
    const pages = Math.ceil((bytes + 4096) / 65536);
    const wasm = new WasmMemory(
      placement === 'wasm' ? { initial: pages } : { initial: pages, maximum: pages, shared: true },
    );
    base = 4096;
    memory = wasm.buffer;
    f32 = new Float32Array(wasm.buffer, base, floats);
  } else if (placement === 'view') {
    // A view that starts 1 KiB into its buffer: offsets count from the view's start.
    const buffer = new ArrayBuffer(bytes + 2048);
    f32 = new Float32Array(buffer, 1024, floats);
    memory = f32;
  } else {
    base = 256;
    const buffer = new ArrayBuffer(base + bytes + 512);
    memory = buffer;
    f32 = new Float32Array(buffer, base, floats);
  }
  f32.fill(Number.NaN);
  const fillMatrix = (at: number, rows: number, cols: number, ld: number) => {
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) f32[at + i * ld + j] = next();
  };
  fillMatrix(aAt, aRows, aCols, lda);
  fillMatrix(bAt, bRows, bCols, ldb);
  if (beta !== 0) fillMatrix(cAt, m, n, ldc); // with beta = 0, C's cells stay NaN: must not be read
  if (c.bias) fillMatrix(biasAt, 1, n, n);
  const before = new Float32Array(f32);

  // Reference in float64: op(A) as M x K rows, op(B) as N x K rows, so the inner loop is contiguous.
  const opA = new Float64Array(m * k);
  const opBt = new Float64Array(n * k);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) opA[i * k + p] = transA ? f32[aAt + p * lda + i] : f32[aAt + i * lda + p];
  for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) opBt[j * k + p] = transB ? f32[bAt + j * ldb + p] : f32[bAt + p * ldb + j];
  const ref = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += opA[i * k + p] * opBt[j * k + p];
      let v = alpha * s;
      if (beta !== 0) v += beta * f32[cAt + i * ldc + j];
      if (c.bias) v += f32[biasAt + j];
      if (c.relu) v = Math.max(0, v);
      ref[i * n + j] = v;
    }
  }

  kernels.sgemm({
    memory,
    a: base + aAt * 4,
    b: base + bAt * 4,
    c: base + cAt * 4,
    m,
    n,
    k,
    transA,
    transB,
    lda,
    ldb,
    ldc,
    alpha,
    beta,
    bias: c.bias ? base + biasAt * 4 : undefined,
    relu: c.relu ?? false,
  });

  const after = new Uint32Array(f32.buffer, f32.byteOffset, floats);
  const beforeBits = new Uint32Array(before.buffer);
  let maxErr = 0;
  let maxRef = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const got = f32[cAt + i * ldc + j];
      const want = ref[i * n + j];
      if (!Number.isFinite(got)) return Number.POSITIVE_INFINITY;
      maxErr = Math.max(maxErr, Math.abs(got - want));
      maxRef = Math.max(maxRef, Math.abs(want));
    }
  }
  const inC = (idx: number) => {
    const r = idx - cAt;
    return r >= 0 && r < m * ldc && r % ldc < n;
  };
  for (let idx = 0; idx < floats; idx++) {
    if (!inC(idx) && after[idx] !== beforeBits[idx]) throw new Error(`float ${idx} outside C was written (case ${JSON.stringify(c)})`);
  }
  return maxErr / Math.max(1, maxRef);
}

const FLAGS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];
const flagName = (tA: boolean, tB: boolean) => `${tA ? 'tA' : ''}${tB ? 'tB' : ''}` || 'nn';
const EDGE = [0, 1, 7, 33, 257];

describe.skipIf(native === null)('native sgemm', () => {
  const kernels = native as NativeKernels;
  const available = native?.available ?? [];

  for (const kernel of available) {
    describe(`${kernel} micro-kernel`, () => {
      const withKernel = (fn: () => void) => () => {
        const previous = kernels.setKernel(kernel);
        try {
          fn();
        } finally {
          kernels.setKernel(previous);
        }
      };

      it(
        'every transpose combination over M, N, K in {0, 1, 7, 33, 257}, packed and padded leading dimensions',
        withKernel(() => {
          let worst = 0;
          let count = 0;
          for (const m of EDGE) for (const n of EDGE) for (const k of EDGE) {
            for (const [transA, transB] of FLAGS) {
              const pad = (m + n + k) % 2 === 0 ? 0 : 3;
              const err = runCase(kernels, { m, n, k, transA, transB, pad });
              if (!(err <= TOLERANCE)) throw new Error(`${m}x${n}x${k} ${flagName(transA, transB)} pad ${pad}: error ${err}`);
              worst = Math.max(worst, err);
              count++;
            }
          }
          expect(count).toBe(500);
          expect(worst).toBeLessThanOrEqual(TOLERANCE);
        }),
      );

      it(
        'training, tall and skinny shapes (K past one KC block, M past MC, N past NC)',
        withKernel(() => {
          const shapes: [number, number, number][] = [
            [128, 256, 784], // dense layer 784 -> 256 at batch 128: M x N x K
            [128, 10, 256],
            [784, 256, 128], // its weight gradient: x^T dy
            [4096, 16, 8],
            [3, 5, 2000],
            [16, 3100, 5],
            [300, 1, 300],
            [1, 300, 300],
          ];
          for (const [m, n, k] of shapes) {
            for (const [transA, transB] of FLAGS) {
              const err = runCase(kernels, { m, n, k, transA, transB, pad: 1 });
              expect(err, `${m}x${n}x${k} ${flagName(transA, transB)}`).toBeLessThanOrEqual(TOLERANCE);
            }
          }
          expect(runCase(kernels, { m: 512, n: 256, k: 784 })).toBeLessThanOrEqual(TOLERANCE);
        }),
      );

      it(
        'alpha and beta, including beta = 0 over a NaN C, alpha = 0 and K = 0',
        withKernel(() => {
          const cases: Case[] = [
            { m: 33, n: 40, k: 20, alpha: 0.5, beta: -1.5 },
            { m: 70, n: 50, k: 900, alpha: -2, beta: 1, transA: true },
            { m: 19, n: 35, k: 17, alpha: 1, beta: 0, transB: true },
            { m: 13, n: 17, k: 11, alpha: 0, beta: 0.25 },
            { m: 13, n: 17, k: 0, alpha: 1, beta: 2, bias: true, relu: true },
            { m: 13, n: 17, k: 0, alpha: 1, beta: 0 },
          ];
          for (const c of cases) expect(runCase(kernels, { ...c, pad: 2 }), JSON.stringify(c)).toBeLessThanOrEqual(TOLERANCE);
        }),
      );

      it(
        'bias + ReLU epilogue, applied once after the last K block',
        withKernel(() => {
          for (const [m, n, k] of [[1, 1, 1], [7, 33, 5], [64, 64, 64], [128, 256, 784], [37, 45, 1000]] as const) {
            for (const [transA, transB] of FLAGS) {
              for (const relu of [false, true]) {
                const err = runCase(kernels, { m, n, k, transA, transB, bias: true, relu, beta: relu ? 0.5 : 0, pad: 1 });
                expect(err, `${m}x${n}x${k} ${flagName(transA, transB)} relu ${relu}`).toBeLessThanOrEqual(TOLERANCE);
              }
            }
          }
        }),
      );
    });
  }

  it('works on a WebAssembly.Memory buffer, a shared one, and a TypedArray view at an offset', () => {
    for (const placement of ['wasm', 'wasm-shared', 'view'] as const) {
      for (const [transA, transB] of FLAGS) {
        const err = runCase(kernels, { m: 45, n: 70, k: 129, transA, transB, pad: 3, bias: true, relu: true }, placement);
        expect(err, `${placement} ${flagName(transA, transB)}`).toBeLessThanOrEqual(TOLERANCE);
      }
    }
  });

  it('reports its kernel through nativeStatus', () => {
    const status = nativeStatus();
    expect(status.active).toBe(true);
    expect(available).toContain(status.kernel);
    expect(status.simd).toBeTruthy();
  });

  describe('argument validation', () => {
    const buffer = new ArrayBuffer(4096);
    // A 4x4 product at a = 0, b = 64, c = 128; every argument good.
    const good = [buffer, 0, 64, 128, 4, 4, 4, false, false, 4, 4, 4, 1, 0, -1, false] as unknown[];
    const call = (changes: Record<number, unknown>, args: unknown[] = good) => () => {
      const argv = args.map((v, i) => (i in changes ? changes[i] : v));
      (kernels.binding.sgemm as (...a: unknown[]) => void)(...argv);
    };
    const expectError = (fn: () => void, pattern: RegExp) => {
      let message = '';
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
        message = (err as Error).message;
      }
      expect(message, 'should throw').toMatch(pattern);
      expect(message).not.toContain('\n');
    };

    it('accepts the good call', () => {
      expect(call({})).not.toThrow();
    });

    it('rejects out-of-bounds operands, counting leading dimensions and transposes', () => {
      expectError(call({ 3: 4096 - 60 }), /^sgemm: c \(4 x 4, ld 4\) at cOffset 4036 needs bytes up to 4100 but memory has 4096$/);
      expectError(call({ 1: 8192 }), /sgemm: a .* needs bytes up to/);
      expectError(call({ 2: 4096 }), /sgemm: b .* needs bytes/);
      expectError(call({ 9: 1000 }), /sgemm: a \(4 x 4, ld 1000\)/);
      // transA: A is stored K x M (4 x 1, ld 1), so 16 bytes from 4084 run past the end.
      expectError(call({ 1: 4084, 4: 1, 7: true, 9: 1 }), /^sgemm: a \(4 x 1, ld 1\) at aOffset 4084 needs bytes up to 4100 but memory has 4096$/);
      expectError(call({ 14: 4092 }), /sgemm: bias .* needs bytes/);
      expectError(call({ 0: new Float32Array(buffer, 0, 40) }), /sgemm: c .* but memory has 160/);
    });

    it('rejects negative, fractional and non-finite sizes and offsets', () => {
      expectError(call({ 4: -1 }), /^sgemm: M must be an integer in \[0, 2147483647\] \(got -1\)$/);
      expectError(call({ 5: 2.5 }), /sgemm: N must be .*got 2.5/);
      expectError(call({ 6: Number.NaN }), /sgemm: K must be .*got nan/i);
      expectError(call({ 1: -4 }), /sgemm: aOffset must be/);
      expectError(call({ 14: -2 }), /sgemm: biasOffset must be -1 or an integer/);
      expectError(call({ 10: 0 }), /sgemm: ldb must be an integer in \[1,/);
      expectError(call({ 11: 3 }), /sgemm: ldc 3 is less than N \(4\)/);
      expectError(call({ 9: 3 }), /sgemm: lda 3 is less than K \(A is M x K\)/);
    });

    it('rejects offsets that are not 4-byte aligned, and misaligned views', () => {
      expectError(call({ 1: 2 }), /^sgemm: aOffset 2 is not 4-byte aligned$/);
      expectError(call({ 3: 129 }), /sgemm: cOffset 129 is not 4-byte aligned/);
      expectError(call({ 0: new Uint8Array(buffer, 1, 1000) }), /sgemm: aOffset 0 is not 4-byte aligned/);
    });

    it('rejects wrong types and argument counts', () => {
      expectError(call({ 0: {} }), /sgemm: memory must be an ArrayBuffer, a TypedArray or a DataView .*got an object/);
      expectError(call({ 0: 'heap' }), /memory must be .*got a string/);
      expectError(call({ 4: '4' }), /sgemm: M must be a number \(got a string\)/);
      expectError(call({ 7: 1 }), /sgemm: transA must be a boolean \(got 1\)/);
      expectError(call({ 15: undefined }), /sgemm: relu must be a boolean \(got undefined\)/);
      expectError(call({ 12: '1' }), /sgemm: alpha must be a number/);
      expectError(call({}, good.slice(0, 15)), /sgemm: expected 16 arguments, got 15/);
      expectError(() => kernels.setKernel('sse9' as never), /setKernel: 'sse9' is not a kernel/);
    });

    it('rejects C overlapping A, B or the bias', () => {
      expectError(call({ 3: 32 }), /sgemm: c \(bytes 32\.\.96\) overlaps a \(bytes 0\.\.64\)/);
      expectError(call({ 14: 140 }), /sgemm: c .* overlaps bias/);
    });

    it('rejects a detached buffer (a wasm heap that grew) as out of bounds', () => {
      const detached = new ArrayBuffer(4096);
      structuredClone(detached, { transfer: [detached] });
      expectError(call({ 0: detached }), /but memory has 0/);
    });

    it('still computes after rejecting', () => {
      expect(runCase(kernels, { m: 9, n: 9, k: 9 })).toBeLessThanOrEqual(TOLERANCE);
    });
  });
});

describe('native loader', () => {
  it('says why it is active or not', () => {
    const status = nativeStatus();
    expect(status.reason.length).toBeGreaterThan(0);
    expect(status.active).toBe(native !== null);
  });

  it('is disabled by LOOM_NATIVE=0', () => {
    const { kernels, status } = loadNative({ ...process.env, LOOM_NATIVE: '0' });
    expect(kernels).toBeNull();
    expect(status).toEqual({ active: false, reason: 'disabled by LOOM_NATIVE=0' });
  });

  it('names a missing LOOM_NATIVE_ADDON', () => {
    const { kernels, status } = loadNative({ ...process.env, LOOM_NATIVE: '1', LOOM_NATIVE_ADDON: '/nonexistent/loom_native.node' });
    expect(kernels).toBeNull();
    expect(status.reason).toBe('LOOM_NATIVE_ADDON=/nonexistent/loom_native.node does not exist');
  });

  it('reports a file that is not an addon as a load error', () => {
    // Without LOOM_NATIVE=0 from the environment, which would skip the load before it fails.
    const { LOOM_NATIVE: _disabled, ...env } = process.env;
    const { kernels, status } = loadNative({ ...env, LOOM_NATIVE_ADDON: new URL('./addon.ts', import.meta.url).pathname });
    expect(kernels).toBeNull();
    expect(status.reason).toMatch(/^failed to load .*addon\.ts: /);
  });
});
