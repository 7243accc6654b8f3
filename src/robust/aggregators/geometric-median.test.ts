/** The geometric median: hand-computed cases, its optimality condition, outliers, NaN inputs. */
import { describe, expect, it } from 'vitest';
import { geometricMedian } from '../index.js';

function aggregate(inputs: Float32Array[], f = 1): Float32Array {
  const out = new Float32Array(inputs[0]!.length);
  geometricMedian(f).aggregate(inputs, out);
  return out;
}

describe('geometric median', () => {
  it('of collinear points is their (1-D) median', () => {
    expect(aggregate([0, 1, 10].map((x) => Float32Array.of(x, 0)))[0]).toBeCloseTo(1, 4);
  });
  it('of the corners of a square is its centre', () => {
    const out = aggregate([[0, 0], [2, 0], [0, 2], [2, 2]].map((p) => Float32Array.from(p)));
    expect(out[0]).toBeCloseTo(1, 5);
    expect(out[1]).toBeCloseTo(1, 5);
  });
  it('meets its optimality condition: the unit vectors towards the inputs sum to ~0', () => {
    let s = 7;
    const random = (): number => ((s = (s * 48271) % 2147483647) / 2147483647) * 2 - 1;
    const inputs = Array.from({ length: 9 }, () => Float32Array.from({ length: 5 }, random));
    const z = aggregate(inputs, 4);
    const gradient = new Float64Array(5);
    for (const x of inputs) {
      const diff = Array.from(x, (v, j) => z[j]! - v);
      const norm = Math.hypot(...diff);
      diff.forEach((v, j) => (gradient[j]! += v / norm));
    }
    expect(Math.hypot(...gradient)).toBeLessThan(1e-3); // against a scale of n = 9 unit vectors
  });
  it('stays inside the honest range with f < n/2 outliers of magnitude 1e6', () => {
    const honest = [[1, 2], [1.5, 2.5], [2, 1], [1.2, 1.8], [1.8, 2.2]].map((p) => Float32Array.from(p));
    const byzantine = [Float32Array.of(1e6, -1e6), Float32Array.of(1e6, 1e6), Float32Array.of(-1e6, 1e6), Float32Array.of(1e6, 1e6)];
    const z = aggregate([...honest, ...byzantine], 4);
    expect(z[0]).toBeGreaterThanOrEqual(1);
    expect(z[0]).toBeLessThanOrEqual(2);
    expect(z[1]).toBeGreaterThanOrEqual(1);
    expect(z[1]).toBeLessThanOrEqual(2.5);
  });
  it('ignores inputs with NaN entries and refuses f >= n/2', () => {
    const z = aggregate([Float32Array.of(0), Float32Array.of(1), Float32Array.of(2), Float32Array.of(NaN)]);
    expect(z[0]).toBeCloseTo(1, 4);
    expect(() => aggregate([Float32Array.of(0), Float32Array.of(1)], 1)).toThrow('geometric-median needs n > 2f; got n = 2, f = 1');
  });
});
