import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import type { Sampler } from '../samplers/sampler.js';
import type { Decision, NextTrial, Scheduler } from '../schedulers/scheduler.js';
import { fromUnit, type Distribution } from '../space/distribution.js';
import { memoryJournal } from './journal.js';
import { Study } from './study.js';
import type { FrozenTrial, StudyView } from './trial.js';

/** Uniform draws from (trial number, parameter name): enough to drive the study here. */
function uniformSampler(seed: number): Sampler {
  const hash = (name: string): number => [...name].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, 2166136261);
  return {
    name: 'uniform',
    inferRelativeSpace: () => ({}),
    sampleRelative: () => ({}),
    sampleIndependent: (_study: StudyView, trial: FrozenTrial, name: string, d: Distribution) => fromUnit(d, Rng.derive(seed, trial.number, hash(name)).next()),
  };
}

describe('Study (in memory)', () => {
  it('runs an objective define-by-run and keeps the best trial', async () => {
    const study = await Study.open({ sampler: uniformSampler(1) });
    await study.optimize((trial) => {
      const x = trial.suggestFloat('x', -2, 2);
      const kind = trial.suggestCategorical('kind', ['a', 'b']);
      return x * x + (kind === 'a' ? 0 : 1);
    }, { trials: 20 });
    const trials = study.trials();
    expect(trials).toHaveLength(20);
    expect(trials.every((t) => t.state === 'complete')).toBe(true);
    const best = study.bestTrial as FrozenTrial;
    expect(best.value).toBe(Math.min(...trials.map((t) => t.value as number)));
    expect(best.value).toBe((best.params.x as number) ** 2 + (best.params.kind === 'a' ? 0 : 1));
  });

  it('returns a parameter once suggested, and refuses it with another distribution', async () => {
    const study = await Study.open({ sampler: uniformSampler(2) });
    const trial = await study.ask();
    const lr = trial!.suggestFloat('lr', 1e-4, 1, { log: true });
    expect(trial!.suggestFloat('lr', 1e-4, 1, { log: true })).toBe(lr);
    expect(() => trial!.suggestFloat('lr', 1e-4, 1)).toThrow(/parameter "lr" was suggested before with a different distribution/);
  });

  it('refuses an invalid search space, naming the parameter', async () => {
    const study = await Study.open({ sampler: uniformSampler(3) });
    const trial = (await study.ask())!;
    expect(() => trial.suggestFloat('lr', 1, 0.1)).toThrow('search space: parameter "lr": low 1 is greater than high 0.1');
    expect(() => trial.suggestFloat('wd', 0, 1, { log: true })).toThrow('search space: parameter "wd": a log scale needs low > 0, got low 0');
    expect(() => trial.suggestInt('width', -4, 64, { log: true })).toThrow('parameter "width": a log scale needs low > 0, got low -4');
    expect(() => trial.suggestCategorical('optimizer', [])).toThrow('search space: parameter "optimizer": a categorical needs at least one choice, got none');
    // optimize does not swallow it as a failed trial: the space is the user's to fix.
    await expect(study.optimize((t) => t.suggestFloat('lr', 1, 0.1), { trials: 3 })).rejects.toThrow('parameter "lr"');
  });

  it('fails a trial whose objective throws, keeping the message', async () => {
    const study = await Study.open({ sampler: uniformSampler(4) });
    await study.optimize((trial) => {
      if (trial.number === 1) throw new Error('out of memory');
      return trial.number;
    }, { trials: 3 });
    expect(study.trials().map((t) => t.state)).toEqual(['complete', 'failed', 'complete']);
    expect(study.trials()[1].attrs.error).toBe('out of memory');
  });

  it('shares one journal between two tuners: exactly the requested trials, none twice', async () => {
    const journal = memoryJournal();
    const a = await Study.open({ sampler: uniformSampler(5), backend: journal, name: 's', worker: 'a' });
    const b = await Study.open({ sampler: uniformSampler(5), backend: journal, name: 's', worker: 'b' });
    const objective = async (trial: Awaited<ReturnType<Study['ask']>> & object) => {
      await new Promise((r) => setTimeout(r, 1 + (trial.number % 3)));
      return trial.suggestFloat('x', 0, 1);
    };
    await Promise.all([a.optimize(objective, { trials: 25 }), b.optimize(objective, { trials: 25 })]);
    await a.refresh();
    const trials = a.trials();
    expect(trials).toHaveLength(25);
    expect(new Set(trials.map((t) => t.number)).size).toBe(25);
    expect(trials.every((t) => t.state === 'complete')).toBe(true);
    const workers = new Set(trials.map((t) => t.attrs.worker));
    expect(workers).toEqual(new Set(['a', 'b']));
  });

  it('runs concurrent loops of one study in one process (shared refreshes), and stops them when asked', async () => {
    const study = await Study.open({ sampler: uniformSampler(6) });
    const objective = async (trial: Awaited<ReturnType<Study['ask']>> & object) => {
      await new Promise((r) => setTimeout(r, 1 + (trial.number % 4)));
      return trial.suggestFloat('x', 0, 1);
    };
    const stop = () => study.trials(['complete']).some((t) => (t.value as number) > 0.9);
    await Promise.all([0, 1, 2].map(() => study.optimize(objective, { trials: 200, stop })));
    await study.refresh();
    const trials = study.trials();
    expect(trials.every((t) => t.state === 'complete')).toBe(true);
    expect(new Set(trials.map((t) => t.number)).size).toBe(trials.length);
    // Stopped early: once a value above 0.9 was told, no loop started another trial (those asking then may have one each).
    const hits = trials.filter((t) => (t.value as number) > 0.9);
    expect(hits.length).toBeGreaterThan(0);
    const firstHit = Math.min(...hits.map((t) => t.finishedAt as number));
    expect(trials.filter((t) => t.startedAt > firstHit).length).toBeLessThanOrEqual(2);
    expect(trials.length).toBeLessThan(60);
  });

  it('reopens a study from its journal and refuses the other direction', async () => {
    const journal = memoryJournal();
    const first = await Study.open({ sampler: uniformSampler(6), backend: journal, name: 'acc', direction: 'maximize' });
    await first.optimize((t) => t.suggestFloat('x', 0, 1), { trials: 4 });
    const again = await Study.open({ sampler: uniformSampler(6), backend: journal });
    expect(again.name).toBe('acc');
    expect(again.direction).toBe('maximize');
    expect(again.trials().map((t) => t.value)).toEqual(first.trials().map((t) => t.value));
    expect(again.bestTrial?.value).toBe(Math.max(...first.trials().map((t) => t.value as number)));
    await expect(Study.open({ sampler: uniformSampler(6), backend: journal, direction: 'minimize' })).rejects.toThrow(
      'study "acc" in memory is to maximize, but minimize was asked for',
    );
  });

  it('fails the trials of a worker that stopped sending heartbeats and runs them again with the same parameters', async () => {
    const journal = memoryJournal();
    const dead = await Study.open({ sampler: uniformSampler(7), backend: journal, worker: 'dead' });
    const lost = (await dead.ask())!;
    const x = lost.suggestFloat('x', 0, 1);
    await lost.report(1, 0.5); // its parameters reach the journal; then the worker dies
    const survivor = await Study.open({ sampler: uniformSampler(8), backend: journal, worker: 'alive', staleAfterMs: 30 });
    await new Promise((r) => setTimeout(r, 60));
    await survivor.optimize((t) => t.suggestFloat('x', 0, 1), { trials: 2 });
    const trials = survivor.trials();
    expect(trials.map((t) => t.state)).toEqual(['failed', 'complete', 'complete']);
    expect(trials[0].attrs.error).toMatch(/^no heartbeat from dead for \d+ s$/);
    expect(trials[1].attrs.retryOf).toBe(0);
    expect(trials[1].params.x).toBe(x);
    expect(trials[1].value).toBe(x);
    expect(survivor.trials(['running'])).toHaveLength(0);
    // The dead worker's late result does not resurrect the failed trial.
    await dead.tell(lost, 0.1);
    await survivor.refresh();
    expect(survivor.trials()[0].state).toBe('failed');
  });
});

/** A scheduler scripted by the test: pause every trial at step 1, then resume trial 0 to budget 3. */
function scriptedScheduler(): Scheduler {
  return {
    name: 'scripted',
    maxBudget: 3,
    nextTrial(study): NextTrial {
      const trials = study.trials();
      if (trials.length < 2) return { kind: 'new', budget: 1, attrs: { rung: 0 } };
      const first = trials[0];
      if (first.state === 'paused' && first.attrs.budget === 1) return { kind: 'resume', trialId: first.id, budget: 3 };
      return study.trials(['running']).length > 0 ? { kind: 'wait' } : { kind: 'done' };
    },
    onReport(_study, trial, step): Decision {
      return step >= (trial.attrs.budget as number) && step < 3 ? 'pause' : 'continue';
    },
  };
}

describe('Study with a scheduler', () => {
  it('pauses at a rung and resumes the promoted trial with its parameters and budget', async () => {
    const study = await Study.open({ sampler: uniformSampler(9), scheduler: scriptedScheduler(), pollMs: 1 });
    const runs: string[] = [];
    await study.optimize(async (trial) => {
      const x = trial.suggestFloat('x', 0, 1);
      const from = trial.resumed ? 2 : 1;
      runs.push(`${trial.number}:${trial.resumed ? 'resumed' : 'new'}:${trial.budget}`);
      for (let step = from; step <= (trial.budget as number); step++) {
        if ((await trial.report(step, x + step)) !== 'continue') return x + step;
      }
      return x + (trial.budget as number);
    }, { trials: 2 });
    expect(runs).toEqual(['0:new:1', '1:new:1', '0:resumed:3']);
    const [first, second] = study.trials();
    expect(first.state).toBe('complete');
    expect([...first.intermediate.keys()]).toEqual([1, 2, 3]);
    expect(first.value).toBe((first.params.x as number) + 3);
    expect(second.state).toBe('paused');
  });
});
