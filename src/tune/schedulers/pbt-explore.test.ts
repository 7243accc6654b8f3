import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { categoricalDistribution, contains, floatDistribution, intDistribution } from '../space/distribution.js';
import { clipToDistribution, perturb } from './pbt-explore.js';

const lr = floatDistribution('lr', 1e-3, 1, { log: true });
const dropout = floatDistribution('dropout', 0, 0.5, { step: 0.1 });
const units = intDistribution('units', 16, 256, { step: 16 });
const layers = intDistribution('layers', 1, 4);
const act = categoricalDistribution('act', ['relu', 'tanh', 'gelu']);

describe('PBT explore', () => {
  it('clips a perturbed number into the range and onto the step grid', () => {
    expect(clipToDistribution(lr, 0.6 * 2)).toBe(1); // above high
    expect(clipToDistribution(lr, 0.002 * 0.2)).toBe(1e-3); // below low
    expect(clipToDistribution(lr, 0.05 * 1.2)).toBe(0.06); // inside: unchanged (no log round trip)
    // 0.3 * 1.2 = 0.36 lies between 0.3 and 0.4 on the 0.1 grid: nearer 0.4.
    expect(clipToDistribution(dropout, 0.3 * 1.2)).toBe(0.4);
    expect(clipToDistribution(dropout, 0.3 * 0.8)).toBe(0.2); // 0.24
    // 48 * 1.2 = 57.6: (57.6 - 16) / 16 = 2.6 steps, rounded to 3: 64.
    expect(clipToDistribution(units, 48 * 1.2)).toBe(64);
    expect(clipToDistribution(units, 48 * 0.8)).toBe(32); // 38.4: 1.4 steps -> 1
    expect(clipToDistribution(layers, 3 * 1.2)).toBe(4); // 3.6 -> 4
    expect(clipToDistribution(layers, 3 * 0.8)).toBe(2); // 2.4 -> 2
    expect(clipToDistribution(layers, 4 * 1.2)).toBe(4);
  });

  it('multiplies by a factor, or resamples with the resample probability, about as often as asked', () => {
    const n = 4000;
    const counts = { down: 0, up: 0, other: 0 };
    for (let i = 0; i < n; i++) {
      const v = perturb(lr, 0.05, new Rng(i), { resampleProbability: 0.25, factors: [0.8, 1.2] }) as number;
      expect(contains(lr, v)).toBe(true);
      if (v === 0.05 * 0.8) counts.down++;
      else if (v === 0.05 * 1.2) counts.up++;
      else counts.other++;
    }
    // 0.75 / 2 each factor, 0.25 resampled (a resample hitting a product exactly has probability 0).
    expect(counts.down / n).toBeCloseTo(0.375, 1);
    expect(counts.up / n).toBeCloseTo(0.375, 1);
    expect(counts.other / n).toBeCloseTo(0.25, 1);
    // Resampled values are log-uniform over [1e-3, 1]: about half below 10^-1.5.
    const resampled: number[] = [];
    for (let i = 0; i < 2000; i++) resampled.push(perturb(lr, 0.05, new Rng(i), { resampleProbability: 1, factors: [0.8, 1.2] }) as number);
    expect(resampled.filter((v) => v < 10 ** -1.5).length / 2000).toBeCloseTo(0.5, 1);
  });

  it('moves a categorical to an adjacent choice (clipped at the ends), or resamples it', () => {
    const seen = (value: string, resampleProbability: number): Map<unknown, number> => {
      const m = new Map<unknown, number>();
      for (let i = 0; i < 3000; i++) {
        const v = perturb(act, value, new Rng(i), { resampleProbability, factors: [0.8, 1.2] });
        m.set(v, (m.get(v) ?? 0) + 1 / 3000);
      }
      return m;
    };
    const middle = seen('tanh', 0);
    expect(middle.has('tanh')).toBe(false);
    expect(middle.get('relu')).toBeCloseTo(0.5, 1);
    expect(middle.get('gelu')).toBeCloseTo(0.5, 1);
    const end = seen('relu', 0);
    expect(end.get('relu')).toBeCloseTo(0.5, 1); // a step left of the first choice stays there
    expect(end.get('tanh')).toBeCloseTo(0.5, 1);
    expect(end.has('gelu')).toBe(false);
    const resampled = seen('relu', 1);
    for (const choice of act.choices) expect(resampled.get(choice)).toBeCloseTo(1 / 3, 1);
  });
});
