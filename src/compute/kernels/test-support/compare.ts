/**
 * Test helpers: run the same computation on wasm (with Loom's kernels) and on the cpu backend,
 * in one process, and compare. Data crosses backends only as plain arrays, so each backend
 * computes from its own copy of the inputs.
 */
import { tf } from '../../tf.js';
import { initBackend } from '../../backend.js';
import { Rng } from '../../../util/rng.js';

export interface ArrayInput {
  readonly values: Float32Array | Int32Array;
  readonly shape: number[];
}

export interface ArrayOutput {
  readonly values: Float32Array | Int32Array | Uint8Array;
  readonly shape: number[];
}

/** Initialises wasm through Loom (which registers Loom's kernels); call in `beforeAll`. */
export async function setupBackends(): Promise<void> {
  await initBackend({ backend: 'wasm' });
}

/**
 * The relative error used by every kernel test: max |a - b| / max(1, max |b|), `b` the cpu
 * reference. The floor of 1 makes it an absolute error for small outputs, so near-zero
 * elements do not blow it up; shapes must match exactly. Infinity when they differ or a NaN appears.
 */
export function relError(a: ArrayOutput, b: ArrayOutput): number {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return Infinity;
  if (a.values.length !== b.values.length) return Infinity;
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < a.values.length; i++) {
    const x = a.values[i]!;
    const y = b.values[i]!;
    if (Number.isNaN(x) !== Number.isNaN(y)) return Infinity;
    if (Number.isNaN(x)) continue;
    maxDiff = Math.max(maxDiff, Math.abs(x - y));
    maxRef = Math.max(maxRef, Math.abs(y));
  }
  return maxDiff / Math.max(1, maxRef);
}

/** Runs `fn` on fresh tensors made from `inputs` on `backend`; returns its outputs as arrays. */
export async function runOn(
  backend: 'wasm' | 'cpu', inputs: readonly ArrayInput[], fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<ArrayOutput[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((x) => tf.tensor(x.values, x.shape, x.values instanceof Int32Array ? 'int32' : 'float32'));
    const out = fn(...xs);
    return (Array.isArray(out) ? out : [out]).map((t) => ({ values: t.dataSync().slice(), shape: t.shape.slice() }));
  });
}

/** Max relative error (see `relError`) of `fn` on wasm against cpu, over all outputs. */
export async function wasmVsCpu(inputs: readonly ArrayInput[], fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Promise<number> {
  const wasm = await runOn('wasm', inputs, fn);
  const cpu = await runOn('cpu', inputs, fn);
  await tf.setBackend('wasm');
  if (wasm.length !== cpu.length) return Infinity;
  return Math.max(...wasm.map((w, i) => relError(w, cpu[i]!)));
}

/** Standard-normal float32 input of the given shape. */
export function normal(rng: Rng, shape: number[]): ArrayInput {
  const size = shape.reduce((a, b) => a * b, 1);
  return { values: Float32Array.from({ length: size }, () => rng.normal()), shape };
}

/** Uniform int32 input in [0, n). */
export function ints(rng: Rng, shape: number[], n: number): ArrayInput {
  const size = shape.reduce((a, b) => a * b, 1);
  return { values: Int32Array.from({ length: size }, () => rng.int(n)), shape };
}

/** Number of tensors alive in the wasm backend (to check kernels free their intermediates). */
export function wasmDataIds(): number {
  return tf.findBackend('wasm')?.numDataIds() ?? 0;
}

export const TOLERANCE = 1e-5;
