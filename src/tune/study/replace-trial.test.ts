import { describe, expect, it } from 'vitest';
import { RandomSampler } from '../samplers/random.js';
import type { Sampler } from '../samplers/sampler.js';
import type { Decision, NextTrial, Scheduler } from '../schedulers/scheduler.js';
import { floatDistribution } from '../space/distribution.js';
import { memoryJournal, type JournalBackend } from './journal.js';
import { Study } from './study.js';
import type { FrozenTrial, StudyView } from './trial.js';

const x = floatDistribution('x', 0, 1);

/** Trial 0 runs to step 1 and pauses; then a paused trial is replaced by one with x preset to 0.25, running to 2; then done. */
const replacing: Scheduler = {
  name: 'replacing',
  maxBudget: 2,
  nextTrial(study: StudyView): NextTrial {
    const trials = study.trials();
    if (trials.length === 0) return { kind: 'new', budget: 1 };
    const paused = study.trials(['paused'])[0];
    if (paused) return { kind: 'new', budget: 2, attrs: { startFrom: `copy-of-${paused.number}` }, params: { x: { distribution: x, value: 0.25 } }, replaces: paused.id };
    return { kind: 'done' };
  },
  onReport(_study: StudyView, trial: FrozenTrial, step: number): Decision {
    return step >= (trial.attrs.budget as number) && step < 2 ? 'pause' : 'continue';
  },
};

/** A journal whose reads take a while, so that two tuners decide on the same history; counts refused appends, keeps the kept ones' ops. */
function slowJournal(): JournalBackend & { refused: number; batches: string[][] } {
  const inner = memoryJournal();
  const journal = {
    location: inner.location,
    refused: 0,
    batches: [] as string[][],
    async append(ops: Parameters<JournalBackend['append']>[0], ifLastSeq?: number) {
      const seq = await inner.append(ops, ifLastSeq);
      if (seq === null) journal.refused++;
      else journal.batches.push(ops.map((op) => ('state' in op ? `${op.op} ${op.state}` : op.op)));
      return seq;
    },
    async read(afterSeq: number) {
      const entries = await inner.read(afterSeq);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return entries;
    },
    close: () => inner.close(),
  };
  return journal;
}

async function pausedStudy(backend: JournalBackend, sampler: Sampler = new RandomSampler(1)): Promise<Study> {
  const study = await Study.open({ sampler, scheduler: replacing, backend, pollMs: 1 });
  const first = (await study.ask())!;
  first.suggest('x', x);
  expect(await first.report(1, 0.5)).toBe('pause');
  await study.tell(first, 0.5);
  return study;
}

describe('a scheduler replacing a paused trial', () => {
  it('ends the paused trial and creates the new one, its params preset, in one append that only one tuner wins', async () => {
    const backend = slowJournal();
    const a = await pausedStudy(backend);
    const b = await Study.open({ sampler: new RandomSampler(1), scheduler: replacing, backend, pollMs: 1 });
    // Both tuners decide on the same history (trial 0 paused) and want to replace it; one append is refused.
    const [ha, hb] = await Promise.all([a.ask({ maxTrials: 1 }), b.ask({ maxTrials: 1 })]);
    expect(backend.refused).toBe(1);
    expect(backend.batches).toContainEqual(['create', 'attrs', 'state pruned']);
    const handles = [ha, hb].filter((h) => h !== null);
    expect(handles).toHaveLength(1); // the loser decided again on the newer history: nothing paused
    const trial = handles[0]!;
    // The replacement is not held back by maxTrials 1 and does not count towards it.
    expect(trial.number).toBe(1);
    expect(trial.budget).toBe(2);
    expect(trial.resumed).toBe(false);
    expect(trial.suggest('x', x)).toBe(0.25); // preset: the sampler is not asked
    expect(trial.attrs).toMatchObject({ startFrom: 'copy-of-0', replaces: a.trials()[0].id, budget: 2 });
    await a.refresh();
    const [old, now] = a.trials();
    expect(old.state).toBe('pruned');
    expect(old.attrs.replacedBy).toBe(now.id);
    expect(now.params).toEqual({ x: 0.25 });
    expect(now.distributions).toEqual({ x });
  });

  it('refuses to replace a trial that is not paused', async () => {
    const study = await Study.open({
      sampler: new RandomSampler(1),
      scheduler: { ...replacing, nextTrial: (s: StudyView) => (s.trials().length === 0 ? { kind: 'new', budget: 1 } : { kind: 'new', budget: 2, replaces: s.trials()[0].id }) },
    });
    await study.ask();
    await expect(study.ask()).rejects.toThrow(/^scheduler replacing asked to replace trial id 2, which is running, not paused \(or failed\)$/);
  });
});
