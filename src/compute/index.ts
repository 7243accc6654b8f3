export { tf } from './tf.js';
export { initBackend, backendStatus, resolveBackendName, BACKENDS } from './backend.js';
export type { BackendName, BackendOptions, BackendStatus } from './backend.js';
export type { KernelReplacement } from './kernels/index.js';
