/**
 * The two reductions the collectives need, in place over Float32Array:
 * `sumInto(dst, src)` (dst += src) and `divideBy(buf, k)` (buf /= k, for 'mean').
 * Large sums go to the native addon where it is built (one pass over both operands: 8 MB in
 * ~1.5 ms against ~3.3 ms for the WebAssembly path, measured on the 2-core Xeon), else through the
 * WebAssembly SIMD module in blocks copied through its memory (block copies are memcpy-fast; the
 * scalar add is not); small ones and the last fallback use JS loops. All three give the same bits.
 */
import { nativeKernels } from '../../native/index.js';
import { SIMD_MEMORY_PAGES, simdModuleBytes } from './simd-module.js';

interface SimdExports {
  add(dst: number, src: number, bytes: number): void;
  divide(dst: number, bytes: number, k: number): void;
  memory: { buffer: ArrayBuffer };
}

/** The slice of the WebAssembly global used here (the project's lib settings carry no DOM types). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

const BLOCK_FLOATS = (SIMD_MEMORY_PAGES * 65536) / 8; // two blocks fill the memory
const SIMD_MIN_FLOATS = 256;

function instantiateSimd(): SimdExports | null {
  const wasm = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (!wasm) return null;
  try {
    const module = new wasm.Module(simdModuleBytes());
    return new wasm.Instance(module).exports as SimdExports;
  } catch {
    return null; // no WebAssembly SIMD here: the JS loops below are exact too
  }
}

const simd = process.env.LOOM_COMM_NO_SIMD === '1' ? null : instantiateSimd();
const heap = simd ? new Float32Array(simd.memory.buffer) : new Float32Array(0);

export const simdAvailable = simd !== null;

export function sumInto(dst: Float32Array, src: Float32Array): void {
  const n = dst.length;
  if (src.length !== n) throw new RangeError(`sumInto: lengths differ (${n} vs ${src.length})`);
  if (n < SIMD_MIN_FLOATS) return sumIntoScalar(dst, src, 0, n);
  const native = nativeKernels();
  if (native) return native.addInto(dst, src);
  sumIntoSimd(dst, src);
}

/** sumInto through the WebAssembly module (the path without the native addon); exported for its tests. */
export function sumIntoSimd(dst: Float32Array, src: Float32Array): void {
  const n = dst.length;
  if (simd === null) return sumIntoScalar(dst, src, 0, n);
  for (let start = 0; start < n; start += BLOCK_FLOATS) {
    const len = Math.min(BLOCK_FLOATS, n - start);
    const vectorLen = len & ~3;
    heap.set(dst.subarray(start, start + vectorLen), 0);
    heap.set(src.subarray(start, start + vectorLen), BLOCK_FLOATS);
    simd.add(0, BLOCK_FLOATS * 4, vectorLen * 4);
    dst.set(heap.subarray(0, vectorLen), start);
    if (vectorLen < len) sumIntoScalar(dst, src, start + vectorLen, start + len);
  }
}

export function divideBy(buf: Float32Array, divisor: number): void {
  if (divisor === 1) return;
  const n = buf.length;
  if (simd === null || n < SIMD_MIN_FLOATS) {
    for (let i = 0; i < n; i++) buf[i] /= divisor;
    return;
  }
  for (let start = 0; start < n; start += BLOCK_FLOATS) {
    const len = Math.min(BLOCK_FLOATS, n - start);
    const vectorLen = len & ~3;
    heap.set(buf.subarray(start, start + vectorLen), 0);
    simd.divide(0, vectorLen * 4, divisor);
    buf.set(heap.subarray(0, vectorLen), start);
    for (let i = start + vectorLen; i < start + len; i++) buf[i] /= divisor;
  }
}

function sumIntoScalar(dst: Float32Array, src: Float32Array, from: number, to: number): void {
  let i = from;
  for (; i + 3 < to; i += 4) {
    dst[i] += src[i];
    dst[i + 1] += src[i + 1];
    dst[i + 2] += src[i + 2];
    dst[i + 3] += src[i + 3];
  }
  for (; i < to; i++) dst[i] += src[i];
}
