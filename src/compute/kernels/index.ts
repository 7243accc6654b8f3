/** Kernels Loom registers into TensorFlow.js's wasm backend (filled in by the kernel modules). */
export interface KernelReplacement {
  /** TensorFlow.js kernel name, e.g. `BatchMatMul`. */
  readonly kernel: string;
  /** `replaced` (wasm had a slow one) or `added` (wasm had none). */
  readonly action: 'replaced' | 'added';
  /** Why, in a few words. */
  readonly reason: string;
}

/** Registers every Loom kernel for the wasm backend once; returns what it changed. */
export function registerWasmKernels(): KernelReplacement[] {
  return [];
}
