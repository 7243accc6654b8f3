import { LoomError, showValue } from '../util/errors.js';

/** Throws a LoomError unless every entry of `indices` is an integer in [0, size). */
export function checkIndices(indices: ArrayLike<number>, size: number, datasetName: string): void {
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    if (!Number.isInteger(index) || index < 0 || index >= size) {
      throw new LoomError(`sample index ${showValue(index)} is out of range for dataset ${datasetName} of size ${size}`);
    }
  }
}
