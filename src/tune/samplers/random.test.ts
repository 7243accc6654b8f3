import { describe, expect, it } from 'vitest';
import { categoricalDistribution, contains, floatDistribution, intDistribution } from '../space/distribution.js';
import type { FrozenTrial } from '../study/trial.js';
import { RandomSampler } from './random.js';

const trial = (number: number): FrozenTrial => ({
  id: number + 1, number, state: 'running', params: {}, distributions: {}, value: null,
  intermediate: new Map(), attrs: {}, startedAt: 0, finishedAt: null, heartbeatAt: 0,
});

describe('RandomSampler', () => {
  const lr = floatDistribution('lr', 1e-4, 1, { log: true });

  it('draws the same value for the same (seed, trial, parameter) and different ones otherwise', () => {
    const a = new RandomSampler(3);
    const b = new RandomSampler(3);
    expect(a.sampleIndependent({}, trial(5), 'lr', lr)).toBe(b.sampleIndependent({}, trial(5), 'lr', lr));
    const values = new Set(Array.from({ length: 200 }, (_, k) => a.sampleIndependent({}, trial(k), 'lr', lr)));
    expect(values.size).toBe(200);
    expect(a.sampleIndependent({}, trial(1), 'lr', lr)).not.toBe(a.sampleIndependent({}, trial(1), 'wd', lr));
    expect(new RandomSampler(4).sampleIndependent({}, trial(1), 'lr', lr)).not.toBe(a.sampleIndependent({}, trial(1), 'lr', lr));
    // Seed s, trial k and seed k, trial s are different streams.
    expect(new RandomSampler(0).sampleIndependent({}, trial(1), 'lr', lr)).not.toBe(new RandomSampler(1).sampleIndependent({}, trial(0), 'lr', lr));
  });

  it('is log-uniform on a log range and covers discrete ranges evenly', () => {
    const s = new RandomSampler(1);
    const logs = Array.from({ length: 4000 }, (_, k) => Math.log10(s.sampleIndependent({}, trial(k), 'lr', lr) as number));
    for (const decade of [-4, -3, -2, -1]) {
      const share = logs.filter((x) => x >= decade && x < decade + 1).length / logs.length;
      expect(Math.abs(share - 0.25)).toBeLessThan(0.03);
    }
    const batch = intDistribution('batch', 16, 64, { step: 16 });
    const opt = categoricalDistribution('opt', ['sgd', 'adam', 'lamb']);
    const counts = new Map<unknown, number>();
    for (let k = 0; k < 3000; k++) {
      for (const [name, d] of [['batch', batch], ['opt', opt]] as const) {
        const v = s.sampleIndependent({}, trial(k), name, d);
        expect(contains(d, v)).toBe(true);
        counts.set(v, (counts.get(v) ?? 0) + 1);
      }
    }
    for (const v of [16, 32, 48, 64]) expect(Math.abs((counts.get(v) as number) / 3000 - 0.25)).toBeLessThan(0.04);
    for (const v of ['sgd', 'adam', 'lamb']) expect(Math.abs((counts.get(v) as number) / 3000 - 1 / 3)).toBeLessThan(0.04);
  });
});
