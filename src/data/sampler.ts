/**
 * Which samples each step sees. The order of an epoch is a function of (seed, epoch) alone, so a
 * run resumed at step s of epoch e replays exactly the batches the uninterrupted run would have.
 */
import { LoomError, showValue } from '../util/errors.js';
import { Rng } from '../util/rng.js';

/** The sample order of `epoch`: a permutation of 0..size-1 fixed by (seed, epoch). */
export function epochPermutation(size: number, seed: number, epoch: number): Int32Array {
  checkNonNegativeInt('dataset size', size);
  checkNonNegativeInt('epoch', epoch);
  return Rng.derive(seed, 0xe90c, epoch).permutation(size);
}

export interface EpochBatchOptions {
  readonly seed: number;
  readonly epoch: number;
  /** Keep the last, smaller batch instead of dropping it (default false). */
  readonly keepPartial?: boolean;
  /** First step to yield (to resume mid-epoch); default 0. */
  readonly startStep?: number;
}

/** Number of batches one epoch yields. */
export function batchesPerEpoch(size: number, batchSize: number, keepPartial = false): number {
  checkBatchSize(batchSize);
  return keepPartial ? Math.ceil(size / batchSize) : Math.floor(size / batchSize);
}

/** The indices of batch `step` within an epoch order (a view into `order`, not a copy). */
export function batchAt(order: Int32Array, batchSize: number, step: number, keepPartial = false): Int32Array {
  const steps = batchesPerEpoch(order.length, batchSize, keepPartial);
  if (!Number.isInteger(step) || step < 0 || step >= steps) {
    throw new LoomError(`batch step ${showValue(step)} is out of range: the epoch has ${steps} batches of ${batchSize}`);
  }
  return order.subarray(step * batchSize, Math.min(order.length, (step + 1) * batchSize));
}

/** Yields the index arrays of an epoch's batches, from `startStep` on. */
export function* epochBatches(size: number, batchSize: number, options: EpochBatchOptions): Generator<Int32Array> {
  const keepPartial = options.keepPartial ?? false;
  const steps = batchesPerEpoch(size, batchSize, keepPartial);
  const startStep = options.startStep ?? 0;
  checkNonNegativeInt('startStep', startStep);
  const order = epochPermutation(size, options.seed, options.epoch);
  for (let step = startStep; step < steps; step++) yield batchAt(order, batchSize, step, keepPartial);
}

/**
 * [start, end) of rank's part of a batch of `batchSize`: contiguous, disjoint, covering, with sizes
 * differing by at most one. Where they differ, average gradients weighted by part size.
 */
export function sliceBounds(batchSize: number, rank: number, worldSize: number): [number, number] {
  if (!Number.isInteger(worldSize) || worldSize < 1) {
    throw new LoomError(`world size must be a positive integer, got ${showValue(worldSize)}`);
  }
  if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize) {
    throw new LoomError(`rank ${showValue(rank)} is out of range for world size ${worldSize}`);
  }
  return [Math.floor((rank * batchSize) / worldSize), Math.floor(((rank + 1) * batchSize) / worldSize)];
}

/** Rank's contiguous part of a global batch of indices (a view, not a copy). */
export function distributedSlice(globalBatch: Int32Array, rank: number, worldSize: number): Int32Array {
  const [start, end] = sliceBounds(globalBatch.length, rank, worldSize);
  return globalBatch.subarray(start, end);
}

function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new LoomError(`batch size must be a positive integer, got ${showValue(batchSize)}`);
  }
}

function checkNonNegativeInt(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new LoomError(`${name} must be a non-negative integer, got ${showValue(value)}`);
  }
}
