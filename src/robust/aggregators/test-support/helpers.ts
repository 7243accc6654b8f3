/** Helpers of the aggregator tests. */
import type { Aggregator } from '../../aggregator.js';

/** One-coordinate vectors. */
export const scalars = (...xs: number[]): Float32Array[] => xs.map((x) => Float32Array.of(x));

/** Vectors from rows of numbers. */
export const vectors = (...rows: number[][]): Float32Array[] => rows.map((r) => Float32Array.from(r));

/** The rule's output for `inputs`, as plain numbers. */
export function aggregateOnce(rule: Aggregator, inputs: Float32Array[]): number[] {
  const out = new Float32Array(inputs[0]!.length);
  rule.aggregate(inputs, out);
  return Array.from(out);
}
