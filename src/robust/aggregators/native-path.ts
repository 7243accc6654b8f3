/**
 * Which path the rules take: the native kernels (native/robust_*.cc) where the addon is loaded,
 * else the TypeScript loops. Tests force the TypeScript path to compare the two.
 */
import { nativeKernels, type NativeKernels } from '../../native/index.js';

let forced: NativeKernels | null | undefined;

/** The native kernels the rules use, or null for the TypeScript path. */
export function robustKernels(): NativeKernels | null {
  return forced === undefined ? nativeKernels() : forced;
}

/** Runs `body` with the rules on the TypeScript path (for tests and benchmarks). */
export function onTypeScriptPath<T>(body: () => T): T {
  const saved = forced;
  forced = null;
  try {
    return body();
  } finally {
    forced = saved;
  }
}
