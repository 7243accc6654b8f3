export { tf } from './tf.js';
export { initBackend, backendStatus, resolveBackendName, BACKENDS } from './backend.js';
export type { BackendName, BackendOptions, BackendStatus } from './backend.js';
export { computeInfo } from './info.js';
export type { ComputeInfo } from './info.js';
export { registerWasmKernels } from './kernels/index.js';
export type { KernelReplacement } from './kernels/index.js';
