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

  it('bandwidth-weighted, gives the log density of Optuna 3.1 (whose kernels all peak at one height)', () => {
    // Reference: Optuna 3.1.0's _ParzenEstimator (univariate, prior, magic clip, no endpoints) on
    // this history; its sigmas are 4.5, 4.5, 15/7, 5, 15/7 and 15 for the prior at 2.5.
    const d = floatDistribution('x', -5, 10);
    const history = [-4, 0.5, 1, 7.5, 9].map((x) => ({ x }));
    const p = new ParzenEstimator({ x: d }, history, defaultWeights(5), { multivariate: false, bandwidthWeighted: true });
    const optuna31 = [-1.18591064, -0.98094687, -0.87041654, -1.02205714, -1.04382409];
    [-5, -2, 0.75, 4, 9.5].forEach((x, i) => expect(p.logPdf({ x })).toBeCloseTo(optuna31[i], 5));
  });

  it('bandwidth-weighted, integrates to the mean bandwidth (power min(1, 2/d) of the product over parameters)', () => {
    // Means 0.1, 0.15, 0.9 and the prior's 0.5: neighbour widths 0.05, 0.35, 0.4, clipped below at
    // 1 / (1 + 4), and the prior's 1; each truncated kernel has mass 1, weighted by its width.
    const d = floatDistribution('x', 0, 1);
    const p = new ParzenEstimator({ x: d }, [{ x: 0.1 }, { x: 0.15 }, { x: 0.9 }], [1, 1, 1], { multivariate: false, bandwidthWeighted: true });
    let integral = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) integral += Math.exp(p.logPdf({ x: (i + 0.5) / n })) / n;
    expect(integral).toBeCloseTo((0.2 + 0.35 + 0.4 + 1) / 4, 4);
    // The prior alone: its density times the power of the product of the ranges.
    const wide = (k: number): Record<string, ReturnType<typeof floatDistribution>> =>
      Object.fromEntries(Array.from({ length: k }, (_, i) => [`x${i}`, floatDistribution(`x${i}`, 0, 2 + i)]));
    const at = (k: number): Record<string, number> => Object.fromEntries(Array.from({ length: k }, (_, i) => [`x${i}`, 0.3]));
    for (const [k, power] of [[1, 1], [2, 1], [4, 0.5]] as const) {
      const plain = new ParzenEstimator(wide(k), [], [], { multivariate: true });
      const weighted = new ParzenEstimator(wide(k), [], [], { multivariate: true, bandwidthWeighted: true });
      const logVolume = Array.from({ length: k }, (_, i) => Math.log(2 + i)).reduce((a, b) => a + b, 0);
      expect(weighted.logPdf(at(k)) - plain.logPdf(at(k))).toBeCloseTo(power * logVolume, 10);
    }
  });

  it('weights g(x) by bandwidth by default and can leave both estimators normalised', async () => {
    const run = async (bandwidthWeighting?: 'above' | 'both' | 'none') => {
      const study = await Study.open({ sampler: new TpeSampler({ seed: 2, bandwidthWeighting }) });
      await study.optimize((t) => (t.suggestFloat('x', -10, 10) - 3.3) ** 2 + Math.abs(t.suggestFloat('y', 0, 1) - 0.5), { trials: 25 });
      return study.trials().map((t) => JSON.stringify(t.params));
    };
    const byDefault = await run();
    expect(await run('above')).toEqual(byDefault);
    expect(await run('none')).not.toEqual(byDefault);
    expect(await run('both')).not.toEqual(byDefault);
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
