import { describe, expect, it } from 'vitest';
import { categoricalDistribution, contains, floatDistribution, intDistribution } from '../space/distribution.js';
import { Study } from '../study/study.js';
import { defaultWeights, ParzenEstimator } from './parzen-estimator.js';
import { TpeSampler } from './tpe.js';

describe('TPE', () => {
  it('weights the newest 25 observations fully and ramps the older ones from 1/n (Optuna defaults)', () => {
    expect(defaultWeights(3)).toEqual([1, 1, 1]);
    const w = defaultWeights(30);
    expect(w).toHaveLength(30);
    expect(w[0]).toBeCloseTo(1 / 30, 12);
    expect(w[4]).toBeCloseTo(1, 12);
    expect(w.slice(5).every((x) => x === 1)).toBe(true);
  });

  it('has a Parzen density that integrates to 1 over a bounded range', () => {
    const d = floatDistribution('x', 0, 1);
    const p = new ParzenEstimator({ x: d }, [{ x: 0.1 }, { x: 0.15 }, { x: 0.9 }], [1, 1, 1], { multivariate: false });
    let integral = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) integral += Math.exp(p.logPdf({ x: (i + 0.5) / n })) / n;
    expect(integral).toBeCloseTo(1, 3);
    const stepped = intDistribution('k', 0, 6, { step: 2 });
    const q = new ParzenEstimator({ k: stepped }, [{ k: 2 }, { k: 2 }, { k: 6 }], [1, 1, 1], { multivariate: false });
    const mass = [0, 2, 4, 6].reduce((sum, k) => sum + Math.exp(q.logPdf({ k })), 0);
    expect(mass).toBeCloseTo(1, 6);
    expect(Math.exp(q.logPdf({ k: 2 }))).toBeGreaterThan(Math.exp(q.logPdf({ k: 4 })));
  });

  it('concentrates near the minimum of a 1-D quadratic after 30 trials', async () => {
    const study = await Study.open({ sampler: new TpeSampler({ seed: 7 }) });
    await study.optimize((t) => (t.suggestFloat('x', -10, 10) - 3.3) ** 2, { trials: 30 });
    // Random search puts 2 of the last 10 within 2 of the minimum on average (a fifth of the range).
    const late = study.trials().slice(20).map((t) => t.params.x as number);
    expect(late.filter((x) => Math.abs(x - 3.3) < 2).length).toBeGreaterThanOrEqual(5);
    expect(Math.abs((study.bestTrial?.params.x as number) - 3.3)).toBeLessThan(0.5);
  });

  it('keeps every proposal inside log, int, stepped and categorical ranges, and is deterministic for a seed', async () => {
    const run = async (seed: number) => {
      const study = await Study.open({ sampler: new TpeSampler({ seed }) });
      const space = {
        lr: floatDistribution('lr', 1e-4, 1, { log: true }),
        width: intDistribution('width', 8, 512, { log: true }),
        batch: intDistribution('batch', 16, 256, { step: 16 }),
        opt: categoricalDistribution('opt', ['sgd', 'adam', 'lamb']),
      };
      await study.optimize((t) => {
        const lr = t.suggest('lr', space.lr) as number;
        const width = t.suggest('width', space.width) as number;
        const batch = t.suggest('batch', space.batch) as number;
        const opt = t.suggest('opt', space.opt);
        return Math.abs(Math.log10(lr) + 2) + Math.abs(Math.log2(width) - 7) + batch / 256 + (opt === 'adam' ? 0 : 1);
      }, { trials: 40 });
      for (const t of study.trials()) for (const [name, d] of Object.entries(space)) expect(contains(d, t.params[name])).toBe(true);
      return study.trials().map((t) => JSON.stringify(t.params));
    };
    const a = await run(3);
    expect(await run(3)).toEqual(a);
    expect(await run(4)).not.toEqual(a);
  });

  it('with a constant liar, two trials asked at once get different points', async () => {
    const study = await Study.open({ sampler: new TpeSampler({ seed: 1, startupTrials: 5 }) });
    await study.optimize((t) => t.suggestFloat('x', 0, 1) + t.suggestFloat('y', 0, 1), { trials: 15 });
    const first = (await study.ask())!;
    const second = (await study.ask())!;
    expect(first.values).not.toEqual(second.values);
    expect(Object.keys(first.values)).toEqual(['x', 'y']); // drawn jointly at the start
  });
});
