/**
 * A small typed view of the TensorFlow.js wasm backend internals that Loom's kernels use:
 * tensor ids, the heap, output allocation, and raw calls into the wasm module's exported kernels.
 *
 * Facts about the backend this file relies on (tfjs-backend-wasm 4.22):
 * - every tensor has a numeric id registered with the C++ side (`dataIdMap.get(dataId).id`),
 *   and C++ kernels take ids, not pointers;
 * - `makeOutput(shape, dtype)` mallocs; `makeOutput(shape, dtype, offset)` registers a tensor at an
 *   existing heap offset without allocating (we use that for zero-copy "views" of batch slices);
 * - the heap can grow on any malloc, which detaches earlier typed-array views, so views of the
 *   heap are taken only after every allocation of a kernel is done.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf, tfWasm } from '../tf.js';
import { LoomError } from '../../util/errors.js';

export type { BackendWasm };
export type TensorInfo = tf.TensorInfo;
export type NamedAttrMap = tf.NamedAttrMap;
export type NamedTensorInfoMap = tf.NamedTensorInfoMap;
export type KernelFunc = tf.KernelFunc;

/**
 * The parts of the Emscripten module we use. Its declared type extends `EmscriptenModule` from
 * @types/emscripten, which Loom's tsconfig does not load, so we check for them at runtime.
 */
interface EmscriptenParts {
  readonly HEAPU8: Uint8Array;
  cwrap(ident: string, returnType: string | null, argTypes: string[]): (...args: never[]) => unknown;
}

function hasEmscriptenParts(m: object): m is EmscriptenParts {
  return 'HEAPU8' in m && m.HEAPU8 instanceof Uint8Array && 'cwrap' in m && typeof m.cwrap === 'function';
}

function emscripten(backend: BackendWasm): EmscriptenParts {
  const m = backend.wasm;
  if (!hasEmscriptenParts(m)) throw new LoomError('the wasm backend module lacks HEAPU8/cwrap (unsupported tfjs-backend-wasm version?)');
  return m;
}

/** The current wasm heap. Re-take it after any allocation: growing the heap detaches the old one. */
export function heapBuffer(backend: BackendWasm): ArrayBufferLike {
  return emscripten(backend).HEAPU8.buffer;
}

export interface WasmKernelArgs {
  readonly inputs: NamedTensorInfoMap;
  readonly backend: BackendWasm;
  readonly attrs: NamedAttrMap;
}

/** Narrows the `backend: {}` a kernel receives to the wasm backend, or throws. */
export function asWasmBackend(backend: unknown, kernel: string): BackendWasm {
  if (backend instanceof tfWasm.BackendWasm) return backend;
  throw new LoomError(`kernel ${kernel}: Loom's wasm kernel was called with a non-wasm backend`);
}

/** Adapts a kernel written against `WasmKernelArgs` to TensorFlow.js's `KernelFunc`. */
export function wasmKernel(kernel: string, fn: (args: WasmKernelArgs) => TensorInfo | TensorInfo[]): KernelFunc {
  return ({ inputs, backend, attrs }) => fn({ inputs, backend: asWasmBackend(backend, kernel), attrs: attrs ?? {} });
}

/** The named input of a kernel, or a clear error if TensorFlow.js did not pass it. */
export function input(inputs: NamedTensorInfoMap, name: string, kernel: string): TensorInfo {
  const t = inputs[name];
  if (t === undefined) throw new LoomError(`kernel ${kernel}: missing input "${name}"`);
  return t;
}

export function boolAttr(attrs: NamedAttrMap, name: string): boolean {
  return attrs[name] === true;
}

export function numberAttr(attrs: NamedAttrMap, name: string, kernel: string): number {
  const v = attrs[name];
  if (typeof v !== 'number') throw new LoomError(`kernel ${kernel}: attribute ${name} must be a number, got ${String(v)}`);
  return v;
}

/** The C++-side id of a tensor. */
export function tensorId(backend: BackendWasm, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).id;
}

/** Byte offset of a tensor's data on the wasm heap. */
export function heapOffset(backend: BackendWasm, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/** A float32 view of a tensor's data on the heap. Re-take it after any allocation. */
export function heapF32(backend: BackendWasm, t: TensorInfo): Float32Array {
  return new Float32Array(heapBuffer(backend), heapOffset(backend, t), tf.util.sizeFromShape(t.shape));
}

/** An int32 view of a tensor's data on the heap. Re-take it after any allocation. */
export function heapI32(backend: BackendWasm, t: TensorInfo): Int32Array {
  return new Int32Array(heapBuffer(backend), heapOffset(backend, t), tf.util.sizeFromShape(t.shape));
}

/** Frees an intermediate that a kernel made with `makeOutput` (or got from another kernel). */
export function disposeIntermediate(backend: BackendWasm, t: TensorInfo): void {
  backend.disposeData(t.dataId);
}

/**
 * Registers a tensor that aliases `shape`-many float32s at `byteOffset` of existing heap memory,
 * so that C++ kernels can read or write a slice of another tensor. Release it with
 * `releaseView`, never with `disposeData` (which would free memory the view does not own).
 */
export function heapView(backend: BackendWasm, byteOffset: number, shape: number[]): TensorInfo {
  return backend.makeOutput(shape, 'float32', byteOffset);
}

/** Unregisters a view: the C++ side drops the id (and any operator cached on it); memory stays. */
export function releaseView(backend: BackendWasm, view: TensorInfo): void {
  backend.wasm.tfjs.disposeData(tensorId(backend, view));
  backend.dataIdMap.delete(view.dataId);
}

/** Signature of the wasm module's exported `_FusedMatMul` (4.22), which `BatchMatMul` shares. */
export type RawFusedMatMul = (
  aId: number, aShape: Uint8Array, aRank: number,
  bId: number, bShape: Uint8Array, bRank: number,
  transposeA: boolean, transposeB: boolean,
  activation: number, biasId: number, preluWeightsId: number, leakyreluAlpha: number,
  outId: number,
) => void;

const rawFusedMatMuls = new WeakMap<BackendWasm, RawFusedMatMul>();

/**
 * The wasm module's `_FusedMatMul` entry point. Calling it directly (instead of the JS kernel)
 * lets us write into a slice of a larger output. Bound lazily per backend instance, so it works
 * whether or not our kernel's setup function ran.
 */
export function rawFusedMatMul(backend: BackendWasm): RawFusedMatMul {
  let fn = rawFusedMatMuls.get(backend);
  if (fn === undefined) {
    // cwrap's result is untyped; the argument list below is the one the backend's own kernel uses.
    fn = emscripten(backend).cwrap('_FusedMatMul', null, [
      'number', 'array', 'number', 'number', 'array', 'number',
      'number', 'number', 'number', 'number', 'number', 'number', 'number',
    ]) as RawFusedMatMul;
    rawFusedMatMuls.set(backend, fn);
  }
  return fn;
}

/** Shape as the little-endian int32 bytes the wasm entry points expect for `array` arguments. */
export function shapeBytes(shape: readonly number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

/** Activation codes of the wasm module (cc/fusable_activations.h). */
export const FUSABLE_ACTIVATION: Readonly<Record<string, number>> = {
  linear: 0, relu: 1, relu6: 2, prelu: 3, leakyrelu: 4, sigmoid: 5, elu: 6,
};

/** The kernel function registered for `kernel` on `backend`, or a clear error. */
export function registeredKernelFunc(kernel: string, backendName: string): KernelFunc {
  const config: tf.KernelConfig | undefined = tf.getKernel(kernel, backendName);
  if (config === undefined) {
    throw new LoomError(`kernel ${kernel} is not registered for backend ${backendName}`);
  }
  return config.kernelFunc;
}

/** Runs a single-output kernel function and narrows its result. */
export function runKernelFunc(
  fn: KernelFunc, kernel: string, inputs: NamedTensorInfoMap, backend: object, attrs: NamedAttrMap = {},
): TensorInfo {
  const out = fn({ inputs, backend, attrs });
  if (Array.isArray(out)) {
    const first = out[0];
    if (out.length !== 1 || first === undefined) throw new LoomError(`kernel ${kernel}: expected one output, got ${out.length}`);
    return first;
  }
  return out;
}
