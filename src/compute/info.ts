import { tf, tfWasm } from './tf.js';
import { backendStatus } from './backend.js';
import type { KernelReplacement } from './kernels/index.js';
import { nativeStatus, type NativeStatus } from '../native/index.js';

/** What `loom info` shows about compute. */
export interface ComputeInfo {
  /** Backend TensorFlow.js runs on now (`wasm`, `cpu`, or another if set outside Loom). */
  readonly backend: string;
  /** Whether Loom's `initBackend` chose it (false: set directly through TensorFlow.js, or not yet). */
  readonly initialisedByLoom: boolean;
  readonly tfjsVersion: string;
  readonly wasmBackendVersion: string;
  readonly simd: boolean;
  /** Whether the threaded wasm build is in use (TensorFlow.js never uses it under Node). */
  readonly multithread: boolean;
  /** Threads XNNPACK uses inside one backend instance (Loom parallelises across worker threads instead). */
  readonly threads: number;
  readonly replacedKernels: readonly KernelReplacement[];
  /** Loom's native kernels (matrix products on the wasm heap): active or not, and why. */
  readonly native: NativeStatus;
}

/** Describes the active compute setup; call after `initBackend` for the full picture. */
export function computeInfo(): ComputeInfo {
  const status = backendStatus();
  const backend = tf.getBackend() ?? 'none';
  const tfjsVersion = tf.version.tfjs ?? tf.version['tfjs-core'] ?? 'unknown';
  if (status !== null && status.backend === backend) {
    return {
      backend,
      initialisedByLoom: true,
      tfjsVersion,
      wasmBackendVersion: tfWasm.version_wasm,
      simd: status.simd,
      multithread: status.multithread,
      threads: status.threads,
      replacedKernels: status.replacedKernels,
      native: nativeStatus(),
    };
  }
  return {
    backend,
    initialisedByLoom: false,
    tfjsVersion,
    wasmBackendVersion: tfWasm.version_wasm,
    simd: backend === 'wasm' && tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    multithread: backend === 'wasm' && tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
    threads: backend === 'wasm' ? tfWasm.getThreadsCount() : 1,
    replacedKernels: [],
    native: nativeStatus(),
  };
}
