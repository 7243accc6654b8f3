import { expect } from 'vitest';

/** Element-wise |actual - expected| <= tol (float32 results against hand-computed decimals). */
export function expectClose(actual: ArrayLike<number>, expected: readonly number[], tol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    if (!(diff <= tol)) {
      expect.fail(`element ${i}: got ${actual[i]}, expected ${expected[i]} (|diff| ${diff} > ${tol})`);
    }
  }
}

export function f32(...values: number[]): Float32Array {
  return Float32Array.from(values);
}
