import { describe, expect, it } from 'vitest';
import { cholesky } from './linalg.js';
import { Matern52Kernel, matern52, matern52Slope } from './matern52.js';

describe('Matérn 5/2 kernel', () => {
  it('is s² at r = 0 and s² (1 + √5 + 5/3) e^−√5 at r = 1', () => {
    expect(matern52(0)).toBe(1);
    expect(matern52(0, 2.5)).toBe(2.5);
    expect(matern52(1)).toBeCloseTo(0.5239941088318203, 14);
    expect(matern52(1, 2)).toBeCloseTo(2 * 0.5239941088318203, 14);
    expect(matern52(10)).toBeLessThan(1e-7);
  });

  it('has the slope −2 dk/d(r²), finite at 0', () => {
    for (const r of [0.05, 0.4, 1.3]) {
      const h = 1e-6;
      const fd = (-2 * (matern52(Math.sqrt(r * r + h), 1.7) - matern52(Math.sqrt(r * r - h), 1.7))) / (2 * h);
      expect(matern52Slope(r, 1.7)).toBeCloseTo(fd, 6);
    }
    expect(matern52Slope(0)).toBeCloseTo(5 / 3, 14);
  });

  it('scales each input by its length scale and compares categorical inputs for equality', () => {
    const k = new Matern52Kernel([0.3, 0.8, 0.5], 1, [false, false, true]);
    // r² = (0.3/0.3)² + (0.4/0.8)² + [choice 2 ≠ choice 0] / 0.5² = 1 + 0.25 + 4.
    expect(k.value([0, 0, 0], 0, [0.3, 0.4, 2], 0)).toBeCloseTo(matern52(Math.sqrt(5.25)), 14);
    expect(k.value([0, 0, 1], 0, [0.3, 0.4, 1], 0)).toBeCloseTo(0.45830790898343476, 14);
  });

  it('gives a positive-definite Gram matrix on mixed inputs', () => {
    const xs = [0.1, 0, 0.5, 2, 0.9, 1, 0.12, 0, 0.5, 1];
    const gram = new Matern52Kernel([0.2, 1], 1.3, [false, true]).matrix(xs, 5);
    expect(gram[0]).toBe(1.3);
    expect(gram[1 * 5 + 3]).toBe(gram[3 * 5 + 1]);
    expect(cholesky(gram, 5)).not.toBeNull();
  });
});
