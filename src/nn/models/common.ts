/** What every model builder gets besides its spec, and the checks they share. */
import { LoomError, showValue } from '../../util/index.js';
import { showShape } from '../layer.js';

export interface ModelShape {
  /** Shape of one input sample: [h, w, c] for images, [context] for token sequences. */
  readonly inputShape: readonly number[];
  /** Number of classes (vocabulary size for a language model). */
  readonly numClasses: number;
  /** Seed of the initial parameters. */
  readonly seed: number;
}

export function requireClasses(kind: string, numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new LoomError(`${kind} needs a classification dataset (at least 2 classes), got numClasses ${showValue(numClasses)}`);
  }
}

export function requirePositiveInts(kind: string, key: string, values: readonly number[], length?: number): void {
  const ok = values.every((v) => Number.isInteger(v) && v > 0) && (length === undefined || values.length === length);
  if (!ok) {
    const what = length === undefined ? 'positive integers' : `${length} positive integers`;
    throw new LoomError(`${kind} ${key} must be ${what}, got ${showValue(values)}`);
  }
}

export function requireImage(kind: string, inputShape: readonly number[]): void {
  if (inputShape.length !== 3 || inputShape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new LoomError(`${kind} needs an image input shape [height,width,channels], got ${showShape(inputShape)}`);
  }
}
