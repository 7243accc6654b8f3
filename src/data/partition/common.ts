/** Argument checks and result building shared by the partitioners. */
import { LoomError, showValue } from '../../util/errors.js';

/** A partition: for each client, the sample indices it holds, in ascending order. */
export type Partition = Int32Array[];

export function checkNumClients(numClients: number, numSamples: number): void {
  if (!Number.isInteger(numClients) || numClients < 1) {
    throw new LoomError(`numClients must be a positive integer, got ${showValue(numClients)}`);
  }
  if (numClients > numSamples) {
    throw new LoomError(`numClients ${numClients} exceeds the ${numSamples} samples to partition`);
  }
}

export function checkNumSamples(numSamples: number): void {
  if (!Number.isInteger(numSamples) || numSamples < 1) {
    throw new LoomError(`numSamples must be a positive integer, got ${showValue(numSamples)}`);
  }
}

export function checkPositive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new LoomError(`${name} must be a positive number, got ${showValue(value)}`);
  }
}

export function checkNonNegativeInt(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new LoomError(`${name} must be a non-negative integer, got ${showValue(value)}`);
  }
}

/** Checks that labels are non-negative integers and returns the number of classes (max + 1). */
export function countClasses(labels: ArrayLike<number>): number {
  if (labels.length === 0) throw new LoomError('cannot partition an empty label array');
  let max = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0) throw new LoomError(`label ${showValue(l)} at index ${i} is not a class id`);
    if (l > max) max = l;
  }
  return max + 1;
}

/** Sample indices grouped by label: `result[k]` lists the indices of class k in ascending order. */
export function indicesByClass(labels: ArrayLike<number>, numClasses: number): Int32Array[] {
  const counts = new Int32Array(numClasses);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  const groups = Array.from(counts, (c) => new Int32Array(c));
  const filled = new Int32Array(numClasses);
  for (let i = 0; i < labels.length; i++) groups[labels[i]][filled[labels[i]]++] = i;
  return groups;
}

/** Converts per-client index lists to sorted Int32Arrays. */
export function toPartition(clients: ArrayLike<number>[]): Partition {
  return clients.map((c) => Int32Array.from(c).sort());
}
