/** Backend set-up for nn tests. */
import { initBackend } from '../../compute/index.js';

/**
 * The cpu backend: every kernel the models need exists there. (wasm is exercised too, in the
 * gradient tests, where it runs with compute/'s added kernels.)
 */
export async function useCpu(): Promise<void> {
  await initBackend({ backend: 'cpu' });
}
