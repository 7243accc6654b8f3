import { describe, expect, it } from 'vitest';
import { createScheduler } from '../registry.js';
import { unitDraw } from '../samplers/random.js';
import { categoricalDistribution, contains, floatDistribution, fromUnit, intDistribution, type Distribution, type ParamValue } from '../space/distribution.js';
import type { FrozenTrial } from '../study/trial.js';
import { checkpointAt, fallenMembers, lastStep, PbtScheduler, pbtMembers, quantiles, type PbtOptions } from './pbt.js';
import type { NextTrial, PresetParams } from './scheduler.js';
import { History, follow, reportTo } from './test-support/history.js';

const space: Record<string, Distribution> = {
  'optimizer.lr': floatDistribution('optimizer.lr', 1e-3, 1, { log: true }),
  'optimizer.momentum': floatDistribution('optimizer.momentum', 0, 0.99),
  'model.units': intDistribution('model.units', 16, 256, { step: 16 }),
  'model.act': categoricalDistribution('model.act', ['relu', 'tanh', 'gelu']),
};

function preset(values: Record<string, ParamValue>): PresetParams {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { distribution: space[name], value }]));
}

const ckpt = (number: number, step: number): string => `ck/trial-${number}/epoch-${step}.ckpt`;

/** A scripted PBT: every answer checked against a fresh scheduler (a restarted tuner) on the same history. */
function scripted(options: PbtOptions, h = new History()) {
  const pbt = new PbtScheduler(options);
  const next = (): NextTrial => {
    const answer = pbt.nextTrial(h);
    expect(new PbtScheduler(options).nextTrial(h)).toEqual(answer);
    return answer;
  };
  /** Expects a new founder at the first interval and starts it with these parameters (the sampler's part). */
  const found = (values: Record<string, ParamValue>): number => {
    const answer = next();
    expect(answer).toEqual({ kind: 'new', budget: options.interval });
    return h.start({ budget: options.interval }, preset(values));
  };
  /** Trial `number` ends its run at its target budget with `value`, keeping its checkpoint there (as the training objective does). */
  const finish = (number: number, value: number) => {
    const budget = h.trial(number).attrs.budget as number;
    if (budget < options.maxBudget) {
      const kept = h.trial(number).attrs.checkpoints as Record<string, string> | undefined;
      h.setAttrs(number, { checkpoints: { ...kept, [String(budget)]: ckpt(number, budget) } });
    }
    return reportTo(pbt, h, number, budget, value);
  };
  const resumes = (number: number, budget: number): void => {
    const answer = next();
    expect(answer).toEqual({ kind: 'resume', trialId: h.trial(number).id, budget });
    follow(h, answer);
  };
  return { pbt, h, next, found, finish, resumes };
}

const founders = [
  { 'optimizer.lr': 0.01, 'optimizer.momentum': 0.5, 'model.units': 64, 'model.act': 'relu' },
  { 'optimizer.lr': 0.002, 'optimizer.momentum': 0.9, 'model.units': 32, 'model.act': 'relu' },
  { 'optimizer.lr': 0.6, 'optimizer.momentum': 0.9, 'model.units': 48, 'model.act': 'tanh' },
  { 'optimizer.lr': 0.1, 'optimizer.momentum': 0.3, 'model.units': 128, 'model.act': 'gelu' },
];
const mutations = ['optimizer.lr', 'optimizer.momentum', 'model.act'];

/**
 * The founders' first interval (to step 2): trial 2 (0.3) is the top quarter, trial 1 (0.9) the
 * bottom; trial 0 resumes and trial 4 (`child`) replaces trial 1.
 */
function firstInterval(options: PbtOptions) {
  const script = scripted(options);
  for (const values of founders) script.found(values);
  for (const [n, v] of [[0, 0.5], [1, 0.9], [2, 0.3], [3, 0.7]]) script.finish(n, v);
  script.resumes(0, 4);
  const child = follow(script.h, script.next()) as number;
  return { ...script, child };
}

describe('PBT', () => {
  it('takes ceil(n * quantile) members at each end, at most half, none of fewer than two', () => {
    const ends = (n: number, q: number) => {
      const { top, bottom } = quantiles([...Array(n).keys()], q);
      return [top, bottom];
    };
    expect(ends(4, 0.25)).toEqual([[0], [3]]);
    expect(ends(8, 0.25)).toEqual([[0, 1], [6, 7]]);
    expect(ends(3, 0.25)).toEqual([[0], [2]]); // ceil(0.75) = 1
    expect(ends(5, 0.5)).toEqual([[0, 1], [3, 4]]); // ceil(2.5) = 3, capped at floor(2.5) = 2
    expect(ends(20, 0.35)).toEqual([[0, 1, 2, 3, 4, 5, 6], [13, 14, 15, 16, 17, 18, 19]]); // 20 * 0.35 = 7.000000000000001
    expect(ends(1, 0.5)).toEqual([[], []]);
  });

  it('exploits the top member at the interval for the bottom one, perturbing only the mutations; a middle member resumes', () => {
    const options = { population: 4, interval: 2, maxBudget: 6, mutations, resampleProbability: 0, factors: [1.2], seed: 7 };
    const { h, next, found, finish, resumes } = scripted(options);
    const ids = founders.map((values) => found(values));
    expect(ids).toEqual([0, 1, 2, 3]);
    // Minimizing: trial 2 (0.3) is the top quarter, trial 1 (0.9) the bottom one.
    for (const [n, v] of [[0, 0.5], [1, 0.9], [2, 0.3], [3, 0.7]]) expect(finish(n, v)).toBe('pause');
    // Trial 0 decides first (all are at step 2; the earliest first): it is in the middle, it resumes.
    resumes(0, 4);
    const exploit = next();
    expect(exploit).toEqual({
      kind: 'new',
      budget: 4,
      attrs: { pbtParent: h.trial(2).id, startFrom: ckpt(2, 2), startEpoch: 2 },
      // Trial 2's parameters: lr 0.6 * 1.2 = 0.72, momentum 0.9 * 1.2 = 1.08 clipped to 0.99,
      // act tanh moved to a neighbour; units (not a mutation) copied although 48 * 1.2 would be 57.6.
      params: preset({ 'optimizer.lr': 0.6 * 1.2, 'optimizer.momentum': 0.99, 'model.units': 48, 'model.act': (exploit as { params: PresetParams }).params['model.act'].value }),
      replaces: h.trial(1).id,
    });
    expect(['relu', 'gelu']).toContain((exploit as { params: PresetParams }).params['model.act'].value);
    const child = follow(h, exploit) as number;
    expect(child).toBe(4);
    expect(h.trial(1).state).toBe('pruned');
    expect(h.trial(1).attrs.replacedBy).toBe(h.trial(4).id);
    // Trial 4 counts with trial 1's 0.9 until it reports: trial 2 (the top) and trial 3 (0.7, the
    // middle, not the bottom) resume.
    resumes(2, 4);
    resumes(3, 4);
    expect(next()).toEqual({ kind: 'wait' });
  });

  it('never resumes a replaced trial, and is done when every member reached maxBudget', () => {
    const { h, next, finish, resumes, child } = firstInterval({ population: 4, interval: 2, maxBudget: 4, mutations, resampleProbability: 0, factors: [0.8], seed: 1 });
    expect(h.trial(child).params['optimizer.lr']).toBe(0.6 * 0.8);
    resumes(2, 4);
    resumes(3, 4);
    // At maxBudget the members complete instead of pausing.
    for (const [n, v] of [[0, 0.4], [child, 0.2], [3, 0.6]]) expect(finish(n, v)).toBe('continue');
    expect(next()).toEqual({ kind: 'wait' }); // trial 2 still runs
    finish(2, 0.25);
    expect(next()).toEqual({ kind: 'done' });
    expect(pbtMembers(h).map((t) => [t.number, t.state, lastStep(t)])).toEqual([[0, 'complete', 4], [2, 'complete', 4], [3, 'complete', 4], [4, 'complete', 4]]);
    expect(h.trial(1).state).toBe('pruned');
  });

  it('replaces a member that failed from a top member\'s checkpoint at its last boundary; the failed one stays failed', () => {
    const { h, next, resumes } = firstInterval({ population: 4, interval: 2, maxBudget: 6, mutations, resampleProbability: 0, factors: [1.2], seed: 7 });
    resumes(2, 4);
    resumes(3, 4);
    // Trial 2 diverges at step 3 (it reported there before its loss turned NaN).
    h.report(2, 3, 0.25).set(2, 'failed');
    expect(fallenMembers(h).map((t) => t.number)).toEqual([2]);
    // Ranked now: 0 (0.5), 3 (0.7), 4 (trial 1's 0.9); the top quarter is trial 0, whose checkpoint at 2 it starts from.
    const replacement = next();
    expect(replacement).toEqual({
      kind: 'new',
      budget: 4,
      attrs: { pbtParent: h.trial(0).id, startFrom: ckpt(0, 2), startEpoch: 2 },
      params: preset({ 'optimizer.lr': 0.01 * 1.2, 'optimizer.momentum': 0.5 * 1.2, 'model.units': 64, 'model.act': (replacement as { params: PresetParams }).params['model.act'].value }),
      replaces: h.trial(2).id,
    });
    const child = follow(h, replacement) as number;
    expect(h.trial(2).state).toBe('failed');
    expect(h.trial(2).attrs.replacedBy).toBe(h.trial(child).id);
    expect(fallenMembers(h)).toEqual([]);
    expect(pbtMembers(h).map((t) => t.number)).toEqual([0, 3, 4, child]);
  });

  it('replaces a member that failed in its first segment from scratch with a donor\'s explored parameters, and never a lost trial that is being retried', () => {
    const options = { population: 2, interval: 2, maxBudget: 6, mutations: ['optimizer.lr'], resampleProbability: 0, factors: [0.8] };
    const { h, next, found, finish } = scripted(options);
    const a = found(founders[0]);
    const b = found(founders[1]);
    h.set(b, 'failed'); // diverged before its first report
    expect(next()).toEqual({ kind: 'wait' }); // no member has a value yet: nothing to copy
    finish(a, 0.5);
    // Two members are too few for quantiles: the donor is the one with a value.
    const replacement = next();
    expect(replacement).toMatchObject({ kind: 'new', budget: 2, attrs: { pbtParent: h.trial(a).id }, replaces: h.trial(b).id });
    expect((replacement as { attrs: Record<string, unknown> }).attrs).not.toHaveProperty('startFrom');
    expect((replacement as { params: PresetParams }).params['optimizer.lr'].value).toBeCloseTo(0.01 * 0.8, 12);
    const child = follow(h, replacement) as number;
    // A lost worker's trial is retried (the study queues a copy), not replaced.
    const retry = h.retry(child);
    expect(fallenMembers(h)).toEqual([]);
    // A failure that follows every copy is replaced once per member and interval (2 x 3), then no more.
    let failing = retry;
    for (let k = 0; k < 5; k++) {
      h.set(failing, 'failed');
      failing = follow(h, next()) as number;
    }
    h.set(failing, 'failed');
    expect(fallenMembers(h).map((t) => t.number)).toEqual([failing]);
    expect(next()).toEqual({ kind: 'resume', trialId: h.trial(a).id, budget: 4 });
  });

  it('needs a donor with a checkpoint at the same step: else the bottom member resumes', () => {
    const h = new History();
    const options = { population: 2, interval: 2, maxBudget: 8, mutations: ['optimizer.lr'], quantile: 0.5 };
    // Trial 0 is paused at step 2, the worst. Trial 1, the best, replaced an older member at step 4
    // (startEpoch 4) and reached 6: it has no checkpoint of its own at step 2.
    const slow = h.start({ budget: 2 }, preset(founders[0]));
    h.report(slow, 2, 0.9).pause(slow);
    const old = h.start({ budget: 4 }, preset(founders[1]));
    h.report(old, 2, 0.8).report(old, 4, 0.6).pause(old);
    const child = follow(h, { kind: 'new', budget: 6, attrs: { pbtParent: 999, startFrom: 'elsewhere/epoch-4.ckpt', startEpoch: 4 }, params: preset(founders[2]), replaces: h.trial(old).id }) as number;
    h.setAttrs(child, { checkpoints: { '6': ckpt(child, 6) } }).report(child, 5, 0.3).report(child, 6, 0.2);
    const pbt = new PbtScheduler(options);
    expect(pbt.nextTrial(h)).toEqual({ kind: 'resume', trialId: h.trial(slow).id, budget: 4 });
    expect(checkpointAt(h.trial(child), 4)).toBe('elsewhere/epoch-4.ckpt'); // where it started
    expect(checkpointAt(h.trial(child), 2)).toBeNull();
    // Once the donor has a copy at step 2, the same history exploits it.
    h.setAttrs(child, { checkpoints: { '2': 'x/epoch-2.ckpt', '6': ckpt(child, 6) } });
    expect(pbt.nextTrial(h)).toMatchObject({ kind: 'new', budget: 4, attrs: { pbtParent: h.trial(child).id, startFrom: 'x/epoch-2.ckpt', startEpoch: 2 }, replaces: h.trial(slow).id });
  });

  it('ranks by the study direction', () => {
    const options = { population: 4, interval: 1, maxBudget: 3, mutations: ['optimizer.lr'], resampleProbability: 0, factors: [1.2] };
    const { h, next, found, finish, resumes } = scripted(options, new History('maximize'));
    for (const values of founders) found(values);
    // Maximizing accuracy: trial 1 (0.9) is the top, trial 2 (0.3) the bottom.
    for (const [n, v] of [[0, 0.5], [1, 0.9], [2, 0.3], [3, 0.7]]) finish(n, v);
    resumes(0, 2);
    resumes(1, 2);
    expect(next()).toMatchObject({ kind: 'new', attrs: { pbtParent: h.trial(1).id, startFrom: ckpt(1, 1), startEpoch: 1 }, replaces: h.trial(2).id, params: preset({ ...founders[1], 'optimizer.lr': 0.002 * 1.2 }) });
  });

  it('decides the same on the same history and draws from the seed', () => {
    const decide = (seed: number): NextTrial => {
      const { next, found, finish } = scripted({ population: 4, interval: 1, maxBudget: 3, mutations, seed });
      for (const values of founders) found(values);
      for (const [n, v] of [[0, 0.9], [1, 0.5], [2, 0.3], [3, 0.7]]) finish(n, v);
      return next(); // trial 0 is the bottom: an exploit, drawn from (seed, trial 0, parameter)
    };
    const a = decide(3);
    expect(a.kind).toBe('new');
    expect(decide(3)).toEqual(a);
    const draws = new Set([3, 4, 5, 6, 7, 8].map((seed) => JSON.stringify((decide(seed) as { params: PresetParams }).params)));
    expect(draws.size).toBeGreaterThan(1);
  });

  it('pauses a member at its target below maxBudget and refuses a mutation that is not a parameter', () => {
    const pbt = new PbtScheduler({ population: 2, interval: 3, maxBudget: 9, mutations: ['optimizer.lr', 'optimizer.lrr'] });
    const h = new History();
    const t = h.start({ budget: 3 }, preset(founders[0]));
    expect(() => pbt.onReport(h, h.trial(t), 1)).toThrow(
      'search space: pbt mutations name "optimizer.lrr", which is not a parameter of the space (trial 0 has optimizer.lr, optimizer.momentum, model.units, model.act)',
    );
    const ok = new PbtScheduler({ population: 2, interval: 3, maxBudget: 9, mutations: ['optimizer.lr'] });
    expect(ok.onReport(h, h.trial(t), 1)).toBe('continue');
    expect(ok.onReport(h, h.trial(t), 3)).toBe('pause');
    h.setAttrs(t, { budget: 9 });
    expect(ok.onReport(h, h.trial(t), 9)).toBe('continue');
  });

  it('runs a whole population on two workers: lineages reach maxBudget and move towards the better learning rate', () => {
    const options = { population: 8, interval: 2, maxBudget: 20, mutations: ['optimizer.lr'], seed: 5 };
    const pbt = new PbtScheduler(options);
    const h = new History();
    const lr = space['optimizer.lr'];
    // The loss of a learning rate: best at 0.1, a little lower with every epoch.
    const loss = (t: FrozenTrial, step: number): number => Math.abs(Math.log10(t.params['optimizer.lr'] as number) + 1) + 1 / step;
    const running: { number: number; endsAt: number }[] = [];
    const log: NextTrial[] = [];
    let now = 0;
    for (let round = 0; round < 500; round++) {
      while (running.length < 2) {
        const next = pbt.nextTrial(h);
        expect(new PbtScheduler(options).nextTrial(h)).toEqual(next);
        if (next.kind === 'wait' || next.kind === 'done') break;
        log.push(next);
        const number = next.kind === 'new' && next.replaces === undefined
          ? h.start({ budget: next.budget }, { 'optimizer.lr': { distribution: lr, value: fromUnit(lr, unitDraw(9, { number: h.trials().length } as FrozenTrial, 'optimizer.lr')) } })
          : (follow(h, next) as number);
        const from = next.kind === 'new' ? ((next.attrs?.startEpoch as number | undefined) ?? 0) : lastStep(h.trial(number));
        running.push({ number, endsAt: now + next.budget - from + (number % 3) * 0.1 });
      }
      if (running.length === 0) break;
      running.sort((a, b) => a.endsAt - b.endsAt);
      const job = running.shift() as { number: number; endsAt: number };
      now = job.endsAt;
      const t = h.trial(job.number);
      const budget = t.attrs.budget as number;
      if (budget < options.maxBudget) h.setAttrs(job.number, { checkpoints: { ...(t.attrs.checkpoints as object), [String(budget)]: ckpt(job.number, budget) } });
      reportTo(pbt, h, job.number, budget, loss(t, budget));
    }
    expect(pbt.nextTrial(h)).toEqual({ kind: 'done' });
    const members = pbtMembers(h);
    expect(members).toHaveLength(8);
    for (const m of members) expect([m.state, lastStep(m)]).toEqual(['complete', 20]);
    type Exploit = Extract<NextTrial, { kind: 'new' }> & { replaces: number };
    const exploits = log.filter((n): n is Exploit => n.kind === 'new' && n.replaces !== undefined);
    expect(exploits.length).toBeGreaterThan(5);
    // Each replaced trial was replaced once and never resumed after it.
    const replaced = exploits.map((n) => n.replaces);
    expect(new Set(replaced).size).toBe(exploits.length);
    log.forEach((n, i) => {
      if (n.kind === 'resume') expect(exploits.some((e) => e.replaces === n.trialId && log.indexOf(e) < i)).toBe(false);
    });
    // An exploited member starts one interval before its first budget, from its donor's copy at that
    // step (the file the donor started from, when the donor was itself started there).
    for (const n of exploits) {
      const from = n.attrs?.startEpoch as number;
      expect(n.budget - from).toBe(2);
      expect(n.attrs?.startFrom).toBe(checkpointAt(h.trial(h.numberOf(n.attrs?.pbtParent as number)), from));
      expect(n.attrs?.startFrom).toMatch(new RegExp(`/epoch-${from}\\.ckpt$`));
    }
    // Every member's lr is one the distribution holds, and the population moved towards 0.1.
    const distance = (t: FrozenTrial): number => Math.abs(Math.log10(t.params['optimizer.lr'] as number) + 1);
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    for (const m of members) expect(contains(lr, m.params['optimizer.lr'])).toBe(true);
    const first = h.trials().slice(0, 8);
    expect(median(members.map(distance))).toBeLessThan(median(first.map(distance)));
  });

  it('refuses bad options with the option and value named', () => {
    const base = { population: 4, interval: 2, maxBudget: 8, mutations: ['optimizer.lr'] };
    expect(() => new PbtScheduler({ ...base, population: 1 })).toThrow('pbt: population must be an integer >= 2, got 1');
    expect(() => new PbtScheduler({ ...base, interval: 9 })).toThrow('pbt: interval 9 is greater than maxBudget 8');
    expect(() => new PbtScheduler({ ...base, quantile: 0.6 })).toThrow('pbt: quantile must be in (0, 0.5], got 0.6');
    expect(() => new PbtScheduler({ ...base, resampleProbability: 2 })).toThrow('pbt: resampleProbability must be in [0, 1], got 2');
    expect(() => new PbtScheduler({ ...base, factors: [] })).toThrow('pbt: factors must be positive numbers (at least one), got []');
    expect(() => new PbtScheduler({ ...base, mutations: [] })).toThrow('pbt: mutations must name at least one parameter, got []');
  });

  it('is registered as scheduler type pbt, its options checked', () => {
    const pbt = createScheduler({ type: 'pbt', population: 8, interval: 3, maxBudget: 27, mutations: ['optimizer.lr'] }) as PbtScheduler;
    expect(pbt).toBeInstanceOf(PbtScheduler);
    expect([pbt.population, pbt.interval, pbt.maxBudget]).toEqual([8, 3, 27]);
    expect(() => createScheduler({ type: 'pbt', population: 8, interval: 30, maxBudget: 27, mutations: ['optimizer.lr'] })).toThrow('pbt: interval 30 is greater than maxBudget 27');
    expect(() => createScheduler({ type: 'pbt', population: 1, interval: 3, maxBudget: 27, mutations: ['optimizer.lr'] })).toThrow(/^scheduler \(pbt\): .*population/);
    expect(() => createScheduler({ type: 'pbt', population: 8, interval: 3, maxBudget: 27, mutations: ['optimizer.lr'], perturbationInterval: 3 })).toThrow(/^scheduler \(pbt\): .*perturbationInterval/);
  });
});
