import { describe, expect, it } from 'vitest';
import { History } from './test-support/history.js';
import { hyperbandBrackets, HyperbandScheduler } from './hyperband.js';
import type { NextTrial, Scheduler } from './scheduler.js';

/** Plays a whole schedule: each new or resumed trial reports `loss(trial number, budget)` at its target. */
function play(scheduler: Scheduler, loss: (number: number, budget: number) => number): { history: History; log: string[] } {
  const history = new History();
  const log: string[] = [];
  for (let guard = 0; guard < 10_000; guard++) {
    const next: NextTrial = scheduler.nextTrial(history);
    if (next.kind === 'done') return { history, log };
    if (next.kind === 'wait') throw new Error(`waits with nothing running after ${log.length} jobs`);
    const number = next.kind === 'new' ? history.start({ budget: next.budget, ...next.attrs }) : history.trials().find((t) => t.id === next.trialId)!.number;
    if (next.kind === 'resume') history.resume(next.trialId, next.budget);
    log.push(`${next.kind} ${number}@${next.budget}`);
    const trial = history.trial(number);
    history.report(number, next.budget, loss(number, next.budget));
    const decision = scheduler.onReport(history, history.trial(number), next.budget, loss(number, next.budget));
    history.set(number, decision === 'pause' ? 'paused' : 'complete', loss(number, next.budget));
    expect(trial.state).toBe('running');
  }
  throw new Error('the schedule does not end');
}

describe('Hyperband', () => {
  it('has exactly the brackets of the paper for R = 81, eta = 3', () => {
    const brackets = hyperbandBrackets(81, 3);
    expect(brackets.map((b) => [b.n, b.r])).toEqual([[81, 1], [34, 3], [15, 9], [8, 27], [5, 81]]);
    expect(brackets[0].rungs.map((g) => [g.n, g.r])).toEqual([[81, 1], [27, 3], [9, 9], [3, 27], [1, 81]]);
    expect(brackets[1].rungs.map((g) => [g.n, g.r])).toEqual([[34, 3], [11, 9], [3, 27], [1, 81]]);
    expect(brackets[2].rungs.map((g) => [g.n, g.r])).toEqual([[15, 9], [5, 27], [1, 81]]);
    expect(brackets[3].rungs.map((g) => [g.n, g.r])).toEqual([[8, 27], [2, 81]]);
    expect(brackets[4].rungs.map((g) => [g.n, g.r])).toEqual([[5, 81]]);
  });

  it('refuses a bad eta or budget', () => {
    expect(() => hyperbandBrackets(81, 1)).toThrow('hyperband: eta must be an integer >= 2, got 1');
    expect(() => hyperbandBrackets(0, 3)).toThrow('hyperband: maxBudget must be a positive integer, got 0');
  });

  it('runs every bracket, promoting the best 1/eta of each rung to the next, the best to the full budget', () => {
    const scheduler = new HyperbandScheduler({ maxBudget: 9, eta: 3 });
    // Trial k's loss falls with budget and is lower for larger k: the last-started survive.
    const { history, log } = play(scheduler, (k, b) => 100 - k + 10 / b);
    // Brackets for R = 9: (9, 1), (5, 3), (3, 9).
    expect(hyperbandBrackets(9, 3).map((b) => [b.n, b.r])).toEqual([[9, 1], [5, 3], [3, 9]]);
    expect(log.slice(0, 9)).toEqual(Array.from({ length: 9 }, (_, k) => `new ${k}@1`));
    expect(log.slice(9, 12)).toEqual(['resume 8@3', 'resume 7@3', 'resume 6@3']);
    expect(log[12]).toBe('resume 8@9');
    expect(log.slice(13, 18)).toEqual(['new 9@3', 'new 10@3', 'new 11@3', 'new 12@3', 'new 13@3']);
    expect(log[18]).toBe('resume 13@9');
    expect(log.slice(19)).toEqual(['new 14@9', 'new 15@9', 'new 16@9']);
    const complete = history.trials(['complete']).map((t) => t.number);
    expect(complete).toEqual([8, 13, 14, 15, 16]);
  });

  it('waits while a rung is still running, and a fresh scheduler decides the same on the same history', () => {
    const scheduler = new HyperbandScheduler({ maxBudget: 9, eta: 3 });
    const history = new History();
    for (let k = 0; k < 9; k++) history.start({ budget: 1, bracket: 2 });
    for (let k = 0; k < 8; k++) {
      history.report(k, 1, k);
      history.set(k, 'paused');
    }
    expect(scheduler.nextTrial(history)).toEqual({ kind: 'wait' });
    history.report(8, 1, -1);
    history.set(8, 'paused');
    const next = scheduler.nextTrial(history);
    expect(next).toEqual({ kind: 'resume', trialId: history.trial(8).id, budget: 3 });
    expect(new HyperbandScheduler({ maxBudget: 9, eta: 3 }).nextTrial(history)).toEqual(next);
  });
});
