import { describe, expect, it } from 'vitest';
import { categoricalDistribution, contains, floatDistribution, intDistribution, toUnit, type Distribution, type ParamValue } from '../space/distribution.js';
import type { FrozenTrial } from '../study/trial.js';
import { GPSampler } from './gp.js';
import { fakeStudy, makeTrial, optimize, propose } from './gp/test-support.js';
import { RandomSampler } from './random.js';

const braninSpace = { x1: floatDistribution('x1', -5, 10), x2: floatDistribution('x2', 0, 15) };
const BRANIN_OPTIMUM = 0.397887;

function branin(p: Readonly<Record<string, ParamValue>>): number {
  const x1 = p.x1 as number;
  const x2 = p.x2 as number;
  return (x2 - (5.1 / (4 * Math.PI ** 2)) * x1 ** 2 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
}

const mixedSpace: Record<string, Distribution> = {
  lr: floatDistribution('lr', 1e-4, 1, { log: true }),
  width: intDistribution('width', 8, 512, { log: true }),
  batch: intDistribution('batch', 16, 256, { step: 16 }),
  dropout: floatDistribution('dropout', 0, 0.5, { step: 0.05 }),
  opt: categoricalDistribution('opt', ['sgd', 'adam', 'lamb']),
};

function mixedObjective(p: Readonly<Record<string, ParamValue>>): number {
  const lr = p.lr as number;
  const width = p.width as number;
  return Math.abs(Math.log10(lr) + 2) + Math.abs(Math.log2(width) - 7) + (p.batch as number) / 256 + Math.abs((p.dropout as number) - 0.2) + (p.opt === 'adam' ? 0 : 1);
}

/** A Branin history of `n` random complete trials. */
function randomBranin(n: number, seed: number): FrozenTrial[] {
  return optimize(new RandomSampler(seed), braninSpace, branin, n);
}

function unitDistance(a: Readonly<Record<string, ParamValue>>, b: Readonly<Record<string, ParamValue>>): number {
  return Math.hypot(...Object.entries(braninSpace).map(([n, d]) => toUnit(d, a[n]) - toUnit(d, b[n])));
}

describe('GP sampler', () => {
  it('draws at random, as random search does, until startupTrials trials are complete', () => {
    const gp = new GPSampler({ seed: 4, startupTrials: 5 });
    const random = new RandomSampler(4);
    const history = randomBranin(4, 11);
    expect(propose(gp, history, braninSpace)).toEqual(propose(random, history, braninSpace));
    // Pruned and failed trials do not count towards the startup trials.
    const padded = [...history, makeTrial(4, { state: 'pruned', params: { x1: 0, x2: 0 }, distributions: braninSpace }), makeTrial(5, { state: 'failed', params: { x1: 1, x2: 1 }, distributions: braninSpace })];
    expect(propose(gp, padded, braninSpace)).toEqual(propose(random, padded, braninSpace));
    const study = fakeStudy(randomBranin(5, 11));
    const trial = makeTrial(5, { state: 'running' });
    expect(Object.keys(gp.sampleRelative(study, trial, gp.inferRelativeSpace(study))).sort()).toEqual(['x1', 'x2']);
  });

  it('is deterministic for a seed and keeps every proposal inside log, int, stepped and categorical ranges', () => {
    const run = (seed: number): FrozenTrial[] => optimize(new GPSampler({ seed, candidates: 500 }), mixedSpace, mixedObjective, 18);
    const a = run(3);
    expect(run(3).map((t) => t.params)).toEqual(a.map((t) => t.params));
    expect(run(4).map((t) => t.params)).not.toEqual(a.map((t) => t.params));
    for (const t of a) for (const [name, d] of Object.entries(mixedSpace)) expect(contains(d, t.params[name]), `${name} = ${String(t.params[name])}`).toBe(true);
    // The model's proposals are better than the random ones on average.
    const mean = (ts: FrozenTrial[]): number => ts.reduce((s, t) => s + (t.value as number), 0) / ts.length;
    expect(mean(a.slice(10))).toBeLessThan(mean(a.slice(0, 10)));
  });

  it('samples parameters outside the shared space independently and at random', () => {
    const gp = new GPSampler({ seed: 2 });
    const study = fakeStudy(randomBranin(12, 3));
    const trial = makeTrial(12, { state: 'running' });
    const depth = intDistribution('depth', 1, 8);
    expect(Object.keys(gp.inferRelativeSpace(study)).sort()).toEqual(['x1', 'x2']);
    expect(gp.sampleIndependent(study, trial, 'depth', depth)).toBe(new RandomSampler(2).sampleIndependent(study, trial, 'depth', depth));
  });

  it('proposes different points for two trials running at once', () => {
    const history = randomBranin(15, 21);
    const gp = new GPSampler({ seed: 8 });
    const first = propose(gp, history, braninSpace);
    const withFirstRunning = [...history, makeTrial(15, { state: 'running', params: first, distributions: braninSpace })];
    const second = propose(gp, withFirstRunning, braninSpace);
    expect(unitDistance(first, second)).toBeGreaterThan(0.02);
    // Without the believer the second worker goes (almost) where the first went.
    const alone = propose(new GPSampler({ seed: 8, krigingBeliever: false }), withFirstRunning, braninSpace);
    expect(unitDistance(first, alone)).toBeLessThan(unitDistance(first, second));
  });

  it('ignores pruned and failed trials and minimises the loss when maximising', () => {
    const history = randomBranin(12, 5);
    const gp = new GPSampler({ seed: 1 });
    const withPruned = [...history, makeTrial(12, { state: 'pruned', params: { x1: 9, x2: 1 }, distributions: braninSpace, value: -1e6 })];
    const withFailed = [...history, makeTrial(12, { state: 'failed', params: { x1: -4, x2: 14 }, distributions: braninSpace })];
    expect(propose(gp, withPruned, braninSpace)).toEqual(propose(gp, withFailed, braninSpace));
    const negated = history.map((t) => makeTrial(t.number, { params: t.params, distributions: t.distributions, value: -(t.value as number) }));
    expect(propose(gp, negated, braninSpace, 'maximize')).toEqual(propose(gp, history, braninSpace));
  });

  it('gets within 0.1 of the optimum of Branin in 40 trials for most seeds', () => {
    const regrets = [0, 1, 2, 3, 4].map((seed) => Math.min(...optimize(new GPSampler({ seed }), braninSpace, branin, 40).map((t) => t.value as number)) - BRANIN_OPTIMUM);
    expect(regrets.filter((r) => r < 0.1).length, `regrets ${regrets.map((r) => r.toFixed(4)).join(', ')}`).toBeGreaterThanOrEqual(4);
  });
});
