/**
 * Batch arrays recycled across the steps of a loop. A batch of 128 Fashion-MNIST images is a
 * 400 KB ArrayBuffer outside V8's heap; a new one per step makes V8 start a full collection every
 * few dozen steps to free them (its external-memory pressure), marking work that runs on the
 * process's shared GC threads and, with several trainings in one process, takes their cores.
 */
import type { Batch, Dataset } from './dataset.js';

/** `reuse` when it is a `type` array of `length` values, else a new one. */
export function arrayFor<T extends Float32Array | Int32Array>(type: new (length: number) => T, length: number, reuse: Float32Array | Int32Array | undefined): T {
  return reuse instanceof type && reuse.length === length ? reuse : new type(length);
}

/** One dataset's batches for a loop that is done with each batch before it asks for the next: one set of arrays per batch size. */
export class RecycledBatches {
  private readonly bySize = new Map<number, Batch>();

  constructor(private readonly dataset: Dataset) {}

  /** The samples at `indices`, in the arrays of the previous batch of this size. */
  next(indices: ArrayLike<number>): Batch {
    const batch = this.dataset.batch(indices, this.bySize.get(indices.length));
    this.bySize.set(indices.length, batch);
    return batch;
  }
}
