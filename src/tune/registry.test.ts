import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler, schedulerNames } from './registry.js';
import { runTuneFile } from './run-tune-file.js';
import { SuccessiveHalvingScheduler } from './schedulers/successive-halving.js';
import { parseTuneFile } from './tune-file.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loom-tune-registry-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

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

  it('refuses a missing n, a fractional eta or an unknown option, naming it', () => {
    expect(() => createScheduler({ type: 'successive-halving', maxBudget: 9 })).toThrow(/^scheduler \(successive-halving\): .*\bn\b/);
    expect(() => createScheduler({ type: 'successive-halving', n: 9, maxBudget: 9, eta: 2.5 })).toThrow(/^scheduler \(successive-halving\): .*eta = 2\.5/);
    expect(() => createScheduler({ type: 'successive-halving', n: 9, maxBudget: 9, grace: 1 })).toThrow(/^scheduler \(successive-halving\): .*grace/);
    expect(() => createScheduler({ type: 'successive-halving', n: 9, minBudget: 27, maxBudget: 9 })).toThrow(/successive-halving/);
  });

  it('runs one bracket from a tune file: 9 configurations at budget 1, the best 3 at 3, the best 1 at 9', async () => {
    const file = parseTuneFile({
      name: 'sh-ones',
      store: join(root, 'studies.sqlite'),
      objective: { type: 'function', name: 'counting-ones', dimensions: 4 },
      sampler: { type: 'random', seed: 3 },
      scheduler: { type: 'successive-halving', n: 9, minBudget: 1, maxBudget: 9, eta: 3 },
      trials: 9,
    });
    const { study, db } = await runTuneFile(file);
    try {
      const trials = study.trials();
      expect(trials).toHaveLength(9);
      const reached = (budget: number) => trials.filter((t) => t.intermediate.has(budget));
      expect(reached(1)).toHaveLength(9);
      expect(reached(3)).toHaveLength(3);
      expect(reached(9)).toHaveLength(1);
      expect(trials.filter((t) => t.state === 'running')).toHaveLength(0);
      // Those promoted to budget 3 were the best at budget 1 (counting ones is minimized; ties may go either way).
      const atOne = (ids: Set<number>, promoted: boolean) => trials.filter((t) => ids.has(t.id) === promoted).map((t) => t.intermediate.get(1) as number);
      const promoted = new Set(reached(3).map((t) => t.id));
      expect(Math.max(...atOne(promoted, true))).toBeLessThanOrEqual(Math.min(...atOne(promoted, false)));
    } finally {
      db.close();
    }
  });
});
