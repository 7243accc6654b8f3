import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createSampler } from '../registry.js';
import { floatDistribution } from '../space/distribution.js';
import { buildSearchSpace, searchSpaceSchema, suggestSpace } from '../space/search-space.js';
import { memoryJournal } from '../study/journal.js';
import { Study } from '../study/study.js';
import type { TrialHandle } from '../study/trial-handle.js';
import type { FrozenTrial } from '../study/trial.js';
import { RandomSampler } from './random.js';
import { SobolSampler } from './sobol.js';

type SpaceSpec = z.input<typeof searchSpaceSchema>;
const spaceOf = (raw: SpaceSpec) => buildSearchSpace(searchSpaceSchema.parse(raw));

const unitSquare: SpaceSpec = { x: { type: 'float', low: 0, high: 1 }, y: { type: 'float', low: 0, high: 1 } };

/** The parameters of `trials` trials of a study over `spec`, each drawn by `sampler`. */
async function run(sampler: SobolSampler, spec: SpaceSpec, trials: number): Promise<readonly FrozenTrial[]> {
  const space = spaceOf(spec);
  const study = await Study.open({ sampler });
  await study.optimize((t) => Object.keys(suggestSpace(t, space)).length, { trials });
  return study.trials();
}

describe('SobolSampler', () => {
  it('gives trial k point k + 1 of the plain sequence (skipping the origin), drawn when the trial starts', async () => {
    const space = spaceOf(unitSquare);
    const sampler = new SobolSampler({ scramble: false, space });
    const trials = await run(sampler, unitSquare, 6);
    expect(trials.map((t) => [t.params.x, t.params.y])).toEqual([
      [0.5, 0.5],
      [0.75, 0.25],
      [0.25, 0.75],
      [0.375, 0.375],
      [0.875, 0.875],
      [0.625, 0.125],
    ]);
    const study = await Study.open({ sampler });
    expect((await study.ask())!.values).toEqual({ x: 0.5, y: 0.5 }); // in the create entry, before any suggestion
  });

  it('maps points through each parameter: the first 2^m scrambled trials take each 1/2^m of every range once', async () => {
    const spec: SpaceSpec = {
      lr: { type: 'float', low: 1e-4, high: 1, log: true },
      width: { type: 'int', low: 0, high: 15 },
      opt: { type: 'categorical', choices: ['sgd', 'adam', 'lamb', 'adagrad'] },
      u: { type: 'float', low: 0, high: 1 },
    };
    const trials = await run(new SobolSampler({ seed: 5, space: spaceOf(spec) }), spec, 16);
    // log10(lr) spans [-4, 0]: 16 bins of a quarter decade, one trial in each.
    expect(new Set(trials.map((t) => Math.floor((Math.log10(t.params.lr as number) + 4) * 4))).size).toBe(16);
    expect(trials.map((t) => t.params.width).sort((a, b) => (a as number) - (b as number))).toEqual(Array.from({ length: 16 }, (_, i) => i));
    for (const block of [trials.slice(0, 4), trials.slice(4, 8), trials.slice(12, 16)]) {
      expect(block.map((t) => t.params.opt).sort()).toEqual(['adagrad', 'adam', 'lamb', 'sgd']);
    }
    expect(new Set(trials.map((t) => Math.floor((t.params.u as number) * 16))).size).toBe(16);
  });

  it('scrambles deterministically per seed and differently across seeds', async () => {
    const space = spaceOf(unitSquare);
    const points = async (seed: number): Promise<unknown[]> => (await run(new SobolSampler({ seed, space }), unitSquare, 8)).map((t) => t.params);
    expect(await points(3)).toEqual(await points(3));
    const [a, b] = [await points(3), await points(4)];
    expect(a.filter((p, i) => JSON.stringify(p) === JSON.stringify(b[i]))).toHaveLength(0);
    const plain = (await run(new SobolSampler({ scramble: false, space }), unitSquare, 8)).map((t) => t.params);
    expect(a.filter((p, i) => JSON.stringify(p) === JSON.stringify(plain[i]))).toHaveLength(0);
  });

  it('draws conditional parameters (outside the relative space) at random', async () => {
    const spec: SpaceSpec = {
      opt: { type: 'categorical', choices: ['sgd', 'adam'] },
      momentum: { type: 'float', low: 0, high: 0.99, when: { opt: 'sgd' } },
    };
    const sampler = new SobolSampler({ seed: 2, space: spaceOf(spec) });
    const trials = await run(sampler, spec, 8);
    const random = new RandomSampler(2);
    const momentum = floatDistribution('momentum', 0, 0.99);
    const withMomentum = trials.filter((t) => t.params.opt === 'sgd');
    expect(withMomentum).toHaveLength(4); // opt is on the sequence: 4 of 8
    for (const t of withMomentum) expect(t.params.momentum).toBe(random.sampleIndependent({ direction: 'minimize', trials: () => [] }, t, 'momentum', momentum));
    expect(trials.filter((t) => t.params.opt === 'adam').every((t) => !('momentum' in t.params))).toBe(true);
  });

  it('in code, takes its dimensions from the first complete trial and draws at random until one completes', async () => {
    const sampler = new SobolSampler({ scramble: false, seed: 1 });
    const study = await Study.open({ sampler });
    const objective = (t: TrialHandle): number => {
      const b = t.suggestFloat('b', 0, 1);
      const a = t.suggestFloat('a', 0, 1);
      if (t.number % 2 === 1) t.suggestFloat('extra', 0, 1); // not in every trial: never on the sequence
      return a + b;
    };
    await study.optimize(objective, { trials: 4 });
    const [first, ...rest] = study.trials();
    const random = new RandomSampler(1);
    const unit = floatDistribution('a', 0, 1);
    expect(first.params.a).toBe(random.sampleIndependent(study, first, 'a', unit));
    // Dimension 0 is "a" and dimension 1 "b" (sorted names); trial k takes point k + 1.
    expect(rest.map((t) => [t.params.a, t.params.b])).toEqual([
      [0.75, 0.25],
      [0.25, 0.75],
      [0.375, 0.375],
    ]);
    expect(rest[0].params.extra).toBe(random.sampleIndependent(study, rest[0], 'extra', unit));
  });

  it('gives parallel tuners on one journal different points of one sequence', async () => {
    const journal = memoryJournal();
    const space = spaceOf(unitSquare);
    const tuners = await Promise.all(['a', 'b'].map((worker) => Study.open({ sampler: new SobolSampler({ seed: 9, space }), backend: journal, worker })));
    const objective = async (t: TrialHandle): Promise<number> => {
      suggestSpace(t, space);
      await new Promise((r) => setTimeout(r, 2));
      return 0;
    };
    await Promise.all(tuners.map((s) => s.optimize(objective, { trials: 16 })));
    await tuners[0].refresh();
    const trials = tuners[0].trials();
    expect(new Set(trials.map((t) => t.attrs.worker))).toEqual(new Set(['a', 'b']));
    const alone = await run(new SobolSampler({ seed: 9, space }), unitSquare, 16);
    expect(trials.map((t) => t.params)).toEqual(alone.map((t) => t.params));
  });

  it('is registered as sobol, scrambled unless told otherwise', async () => {
    const space = spaceOf(unitSquare);
    const plain = createSampler({ type: 'sobol', scramble: false }, space);
    const trials = await run(plain as SobolSampler, unitSquare, 1);
    expect(trials[0].params).toEqual({ x: 0.5, y: 0.5 });
    const scrambled = await run(createSampler({ type: 'sobol', seed: 4 }, space) as SobolSampler, unitSquare, 2);
    expect(scrambled.map((t) => t.params)).toEqual((await run(new SobolSampler({ seed: 4, space }), unitSquare, 2)).map((t) => t.params));
    expect(() => createSampler({ type: 'sobol', scrambled: true })).toThrow(/^sampler \(sobol\): /);
  });
});
