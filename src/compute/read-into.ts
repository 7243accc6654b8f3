/**
 * Copying a float32 tensor's values into a caller's array without the intermediate array that
 * `dataSync()` allocates. On the wasm backend the values are copied straight from the heap, so a
 * training step that reads its gradients this way allocates no ArrayBuffer per step (each one
 * counts towards V8's external-memory limit, and passing that limit starts a full mark-compact).
 */
import { LoomError } from '../util/errors.js';
import { heapF32 } from './kernels/wasm-backend.js';
import { tf, tfWasm } from './tf.js';

/** Writes `t`'s values (float32) into `out` from `offset` on. */
export function readInto(t: tf.Tensor, out: Float32Array, offset = 0): void {
  if (t.dtype !== 'float32') throw new LoomError(`readInto needs a float32 tensor, got ${t.dtype}`);
  if (offset < 0 || offset + t.size > out.length) {
    throw new LoomError(`readInto: ${t.size} values do not fit at offset ${offset} of ${out.length}`);
  }
  const backend = tf.backend();
  if (backend instanceof tfWasm.BackendWasm) out.set(heapF32(backend, t), offset);
  else out.set(t.dataSync() as Float32Array, offset);
}
