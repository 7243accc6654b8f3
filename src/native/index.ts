/**
 * Loom's native kernels (the addon under native/, built at install): GEMM, convolutions and
 * optimizer updates on raw memory, and 16-bit float conversion (util/half-float.ts, comm's sums).
 * A leaf like TensorFlow.js itself: compute/ registers kernels
 * with it, optim/ runs its element-wise updates with it, and both fall back to their own code
 * where `nativeKernels()` is null.
 */
export * from './addon.js';
