import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler, schedulerNames } from './registry.js';
import { runTuneFile } from './run-tune-file.js';
import { HyperbandScheduler } from './schedulers/hyperband.js';
import { SuccessiveHalvingScheduler } from './schedulers/successive-halving.js';
import { parseTuneFile } from './tune-file.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loom-tune-registry-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const onesFile = (name: string, scheduler: Record<string, unknown>, trials: number) =>
  parseTuneFile({
    name,
    store: join(root, 'studies.sqlite'),
    objective: { type: 'function', name: 'counting-ones', dimensions: 4 },
    sampler: { type: 'random', seed: 3 },
    scheduler,
    trials,
  });

describe('scheduler registry: hyperband and the run\'s trials', () => {
  it('plays as many configurations as the run starts, the brackets repeating', () => {
    const hb = createScheduler({ type: 'hyperband', maxBudget: 9 }, { trials: 20 }) as HyperbandScheduler;
    expect(hb.schedule.map((b) => [b.round, b.s, b.n])).toEqual([[0, 2, 9], [0, 1, 5], [0, 0, 3], [1, 2, 3]]);
    expect((createScheduler({ type: 'hyperband', maxBudget: 9 }) as HyperbandScheduler).schedule).toHaveLength(3);
    expect(() => createScheduler({ type: 'hyperband', maxBudget: 9, maxTrials: 30 }, { trials: 20 })).toThrow(
      "trials: hyperband's maxTrials = 30 configurations would end in a bracket never filled, got 20",
    );
  });

  it('with fewer trials than its first bracket still takes one to the full budget', async () => {
    const { study, db } = await runTuneFile(onesFile('hb-few', { type: 'hyperband', maxBudget: 9 }, 5));
    try {
      const trials = study.trials();
      expect(trials).toHaveLength(5);
      expect(trials.filter((t) => t.state === 'complete')).toHaveLength(1);
      expect(trials.filter((t) => t.intermediate.has(3))).toHaveLength(1);
    } finally {
      db.close();
    }
  });

  it('with more trials than one pass, starts exactly the trials asked for, each bracket reaching the full budget', async () => {
    const { study, db } = await runTuneFile(onesFile('hb-many', { type: 'hyperband', maxBudget: 9 }, 24));
    try {
      const trials = study.trials();
      expect(trials).toHaveLength(24);
      expect(trials.filter((t) => t.attrs.round === 1)).toHaveLength(7);
      // Every bracket ends in trials at budget 9: 1 + 1 + 3 in round 0, then the 7 left (7@1 2@3 1@9) 1.
      expect(trials.filter((t) => t.state === 'complete')).toHaveLength(6);
      expect(trials.filter((t) => t.attrs.round === 1 && t.intermediate.has(3))).toHaveLength(2);
      expect(trials.filter((t) => t.state === 'running' || t.state === 'waiting')).toHaveLength(0);
      // The rest were retired when their rungs were decided: pruned, none left paused.
      expect(trials.filter((t) => t.state === 'pruned' && t.attrs.retired === true)).toHaveLength(18);
    } finally {
      db.close();
    }
  });
});

describe('scheduler registry: successive halving', () => {
  it('is a scheduler a tune file can name, with its rungs from n, the budgets and eta', () => {
    expect(schedulerNames()).toContain('successive-halving');
    const sh = createScheduler({ type: 'successive-halving', n: 9, maxBudget: 9 });
    expect(sh).toBeInstanceOf(SuccessiveHalvingScheduler);
    expect((sh as SuccessiveHalvingScheduler).plan.rungs).toEqual([
      { n: 9, r: 1 },
      { n: 3, r: 3 },
      { n: 1, r: 9 },
    ]);
  });

  it('starts the run\'s trials when n is not given, and refuses an n the trials cannot fill', () => {
    expect((createScheduler({ type: 'successive-halving', maxBudget: 9 }, { trials: 12 }) as SuccessiveHalvingScheduler).plan.n).toBe(12);
    expect(() => createScheduler({ type: 'successive-halving', n: 27, maxBudget: 9 }, { trials: 10 })).toThrow(
      'trials: successive-halving starts n = 27 configurations before it decides a rung, got 10',
    );
  });

  it('refuses a missing n, a fractional eta or an unknown option, naming it', () => {
    expect(() => createScheduler({ type: 'successive-halving', maxBudget: 9 })).toThrow(/^scheduler \(successive-halving\): .*\bn\b/);
    expect(() => createScheduler({ type: 'successive-halving', n: 9, maxBudget: 9, eta: 2.5 })).toThrow(/^scheduler \(successive-halving\): .*eta = 2\.5/);
    expect(() => createScheduler({ type: 'successive-halving', n: 9, maxBudget: 9, grace: 1 })).toThrow(/^scheduler \(successive-halving\): .*grace/);
    expect(() => createScheduler({ type: 'successive-halving', n: 9, minBudget: 27, maxBudget: 9 })).toThrow(/successive-halving/);
  });

  it('runs one bracket from a tune file: 9 configurations at budget 1, the best 3 at 3, the best 1 at 9', async () => {
    const { study, db } = await runTuneFile(onesFile('sh-ones', { type: 'successive-halving', minBudget: 1, maxBudget: 9, eta: 3 }, 9));
    try {
      const trials = study.trials();
      expect(trials).toHaveLength(9);
      const reached = (budget: number) => trials.filter((t) => t.intermediate.has(budget));
      expect(reached(1)).toHaveLength(9);
      expect(reached(3)).toHaveLength(3);
      expect(reached(9)).toHaveLength(1);
      expect(trials.filter((t) => t.state === 'running')).toHaveLength(0);
      expect(trials.filter((t) => t.state === 'complete')).toHaveLength(1);
      expect(trials.filter((t) => t.state === 'pruned' && t.attrs.retired === true)).toHaveLength(8);
      // Those promoted to budget 3 were the best at budget 1 (counting ones is minimized; ties may go either way).
      const atOne = (ids: Set<number>, promoted: boolean) => trials.filter((t) => ids.has(t.id) === promoted).map((t) => t.intermediate.get(1) as number);
      const promoted = new Set(reached(3).map((t) => t.id));
      expect(Math.max(...atOne(promoted, true))).toBeLessThanOrEqual(Math.min(...atOne(promoted, false)));
    } finally {
      db.close();
    }
  });
});
