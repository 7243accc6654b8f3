import { tf, tfWasm } from './tf.js';
import { LoomError, showValue } from '../util/errors.js';
import { registerWasmKernels, type KernelReplacement } from './kernels/index.js';

export const BACKENDS = ['wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendOptions {
  /** Backend to use; `LOOM_BACKEND` overrides the default but not an explicit choice. */
  backend?: string;
  /** Threads for the wasm backend (only effective where the threaded build is available). */
  threads?: number;
}

export interface BackendStatus {
  readonly backend: BackendName;
  readonly simd: boolean;
  readonly multithread: boolean;
  readonly threads: number;
  readonly replacedKernels: readonly KernelReplacement[];
}

let active: BackendStatus | null = null;

/** Picks the backend: explicit option, else `LOOM_BACKEND`, else wasm. */
export function resolveBackendName(requested?: string): BackendName {
  const name = requested ?? process.env.LOOM_BACKEND ?? 'wasm';
  if (!(BACKENDS as readonly string[]).includes(name)) {
    const source = requested !== undefined ? 'backend' : 'LOOM_BACKEND';
    throw new LoomError(`unknown ${source} ${showValue(name)}: expected one of ${BACKENDS.join(', ')}`);
  }
  return name as BackendName;
}

/**
 * Initialises TensorFlow.js on the chosen backend and registers Loom's kernels for it.
 * Idempotent; switching backends within a process is allowed (tests compare them).
 */
export async function initBackend(options: BackendOptions = {}): Promise<BackendStatus> {
  const name = resolveBackendName(options.backend);
  if (active && active.backend === name && (options.threads === undefined || options.threads === active.threads)) {
    return active;
  }
  const replacedKernels = name === 'wasm' ? registerWasmKernels() : [];
  if (name === 'wasm' && options.threads !== undefined) tfWasm.setThreadsCount(options.threads);
  const ok = await tf.setBackend(name);
  if (!ok) throw new LoomError(`backend ${showValue(name)} failed to initialise`);
  await tf.ready();
  active = {
    backend: name,
    simd: name === 'wasm' && tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    multithread: name === 'wasm' && tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
    threads: name === 'wasm' ? tfWasm.getThreadsCount() : 1,
    replacedKernels,
  };
  return active;
}

/** The backend set by the last `initBackend`, or null before it. */
export function backendStatus(): BackendStatus | null {
  return active;
}
