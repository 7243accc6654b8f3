/** The attacks on hand-computed honest vectors; ALIE's z_max against tabulated normal quantiles. */
import { describe, expect, it } from 'vitest';
import {
  alie, alieZMax, coordinateMedian, gaussian, innerProductManipulation, mimic, nonFinite, normalQuantile, signFlipping, average,
} from '../index.js';
import { vectors } from '../aggregators/test-support/helpers.js';

const honest = vectors([1, 2], [3, 2], [5, 8]); // mean [3, 4]; unbiased std [2, sqrt(12)]
const values = (vs: Float32Array[]): number[][] => vs.map((v) => Array.from(v));

describe('omniscient attacks', () => {
  it('sign flipping sends the negated honest mean, f times', () => {
    expect(values(signFlipping().forge(honest, 2))).toEqual([[-3, -4], [-3, -4]]);
  });
  it('IPM sends -epsilon times the honest mean', () => {
    expect(values(innerProductManipulation(2).forge(honest, 1))).toEqual([[-6, -8]]);
    expect(values(innerProductManipulation().forge(honest, 1)).map((v) => v.map((x) => +x.toFixed(5)))).toEqual([[-0.3, -0.4]]);
    expect(() => innerProductManipulation(0)).toThrow('ipm: epsilon must be a positive number; got 0');
  });
  it('ALIE sends mean - z std, with the unbiased or the population std', () => {
    const [v] = alie({ z: 1 }).forge(honest, 1);
    expect(v![0]).toBeCloseTo(1, 6);
    expect(v![1]).toBeCloseTo(4 - Math.sqrt(12), 5);
    const [p] = alie({ z: 1, std: 'population' }).forge(honest, 1);
    expect(p![0]).toBeCloseTo(3 - Math.sqrt(8 / 3), 5);
  });
  it("ALIE's z_max is Phi^-1((n - s) / n) with s = floor(n/2 + 1) - f", () => {
    // n = 14, f = 4: s = 4, Phi^-1(10/14) = 0.5659488; n = 50, f = 12: s = 14, Phi^-1(36/50) = 0.5828415
    expect(alieZMax(14, 4)).toBeCloseTo(0.5659488, 6);
    expect(alieZMax(50, 12)).toBeCloseTo(0.5828415, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 8);
    expect(normalQuantile(0.5)).toBe(0);
  });
  it('mimic copies one honest vector', () => {
    expect(values(mimic(2).forge(honest, 2))).toEqual([[5, 8], [5, 8]]);
    expect(() => mimic(3).forge(honest, 1)).toThrow('mimic: target 3 is not an honest index (3 honest vectors)');
  });
});

describe('non-omniscient attacks', () => {
  it('non-finite vectors break the average, not the median', () => {
    for (const attack of [nonFinite('infinity'), nonFinite('nan')]) {
      const inputs = [...honest, ...attack.forge(honest, 1)];
      const mean = new Float32Array(2);
      average().aggregate(inputs, mean);
      expect(Number.isFinite(mean[0])).toBe(false);
      const median = new Float32Array(2);
      coordinateMedian(1).aggregate(inputs, median);
      expect(Array.from(median)).toEqual([4, 5]);
    }
  });
  it('gaussian noise is seeded, fresh per worker, with the asked moments', () => {
    const wide = [new Float32Array(20_000)];
    const [a, b] = gaussian({ mu: 2, sigma: 3, seed: 5 }).forge(wide, 2);
    expect(Array.from(a!)).toEqual(Array.from(gaussian({ mu: 2, sigma: 3, seed: 5 }).forge(wide, 1)[0]!));
    expect(Array.from(a!)).not.toEqual(Array.from(b!));
    const mean = a!.reduce((s, x) => s + x, 0) / a!.length;
    const variance = a!.reduce((s, x) => s + (x - mean) ** 2, 0) / a!.length;
    expect(mean).toBeCloseTo(2, 1);
    expect(Math.sqrt(variance)).toBeGreaterThan(2.9);
    expect(Math.sqrt(variance)).toBeLessThan(3.1);
  });
});
