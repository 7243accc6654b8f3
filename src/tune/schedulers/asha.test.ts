import { describe, expect, it } from 'vitest';
import { AshaScheduler, ashaRungs, type AshaOptions } from './asha.js';
import type { NextTrial } from './scheduler.js';
import { History, follow, reportTo, simulate } from './test-support/history.js';

/** A scripted ASHA: every answer is checked against a fresh scheduler (a restarted tuner) on the same history. */
function scripted(options: AshaOptions, h = new History()) {
  const asha = new AshaScheduler(options);
  const next = (): NextTrial => {
    const answer = asha.nextTrial(h);
    expect(new AshaScheduler(options).nextTrial(h)).toEqual(answer);
    return answer;
  };
  /** Expects a new trial at the bottom rung and starts it. */
  const start = (): number => {
    const answer = next();
    expect(answer).toEqual({ kind: 'new', budget: asha.rungs[0] });
    return follow(h, answer) as number;
  };
  /** Expects trial `number` to be promoted to `budget` and resumes it. */
  const promotes = (number: number, budget: number): void => {
    const answer = next();
    expect(answer).toEqual({ kind: 'resume', trialId: h.trial(number).id, budget });
    follow(h, answer);
  };
  /** Trial `number` reports `value` at its target budget. */
  const finish = (number: number, value: number) => reportTo(asha, h, number, h.trial(number).attrs.budget as number, value);
  return { asha, h, next, start, promotes, finish };
}

describe('ASHA', () => {
  it('has rungs minBudget * eta^(k + s) up to maxBudget', () => {
    expect(ashaRungs(1, 27, 3)).toEqual([1, 3, 9, 27]);
    expect(ashaRungs(1, 27, 3, 1)).toEqual([3, 9, 27]);
    expect(ashaRungs(1, 20, 3)).toEqual([1, 3, 9, 20]);
    expect(ashaRungs(2, 16, 2)).toEqual([2, 4, 8, 16]);
    expect(ashaRungs(1, 27, 3, 3)).toEqual([27]);
  });

  it('has fractional rungs below the first whole budget, exactly whole above it', () => {
    // 0.333333 is 27 / 81 to rounding: counted down from maxBudget, the rungs from 1 up are integers.
    expect(ashaRungs(0.333333, 27, 3)).toEqual([27 / 81, 1, 3, 9, 27]);
    expect(ashaRungs(0.25, 4, 2)).toEqual([0.25, 0.5, 1, 2, 4]);
    expect(ashaRungs(0.3, 27, 3)).toEqual([0.3, 0.3 * 3, 0.3 * 9, 0.3 * 27, 0.3 * 81, 27]);
  });

  it('promotes by the paper\'s rule on a scripted result sequence', () => {
    const { h, next, start, promotes, finish } = scripted({ minBudget: 1, maxBudget: 9, eta: 3 });
    // Rung 0 results arrive one by one; the top floor(n / 3) is promotable as soon as it exists.
    const t0 = start();
    expect(finish(t0, 5)).toBe('pause');
    const t1 = start();
    finish(t1, 7);
    // Two results: floor(2 / 3) = 0, nothing to promote yet.
    const t2 = start();
    finish(t2, 6);
    // Three results: the top one (t0, 5) goes to budget 3.
    promotes(t0, 3);
    // While t0 runs at rung 1 nothing else is promotable (the top 1 of 3 is t0, promoted): a new trial.
    const t3 = start();
    finish(t3, 1);
    // Four results: the top floor(4 / 3) = 1 is now t3 (1 < 5): t3 is promoted although it came last.
    promotes(t3, 3);
    expect(finish(t0, 4)).toBe('pause'); // t0 at rung 1
    finish(t3, 0.5); // t3 at rung 1
    // Rung 1 has 2 results: floor(2 / 3) = 0; rung 0's top 1 is t3, already promoted: a new trial.
    const t4 = start();
    finish(t4, 8);
    const t5 = start();
    finish(t5, 9);
    // Rung 0 has 6 results: its top 2, t3 and t0, were both promoted: a new trial.
    const t6 = start();
    finish(t6, 2);
    // Rung 0 has 7: the top 2 are t3 and t6, so t6 is promoted.
    promotes(t6, 3);
    finish(t6, 3);
    // Rung 1 has 3 results (t3 0.5, t6 3, t0 4): its top 1, t3, goes to the top rung, the full budget.
    promotes(t3, 9);
    expect(finish(t3, 0.25)).toBe('continue');
    expect(h.trial(t3).state).toBe('complete');
    expect([...h.trial(t3).intermediate.keys()]).toEqual([1, 3, 9]);
    // A trial is promoted from a rung at most once: nobody is promotable now, t3 is not offered again.
    expect(next()).toEqual({ kind: 'new', budget: 1 });
    expect(h.trials(['paused']).map((t) => [t.number, t.attrs.budget])).toEqual([[0, 3], [1, 1], [2, 1], [4, 1], [5, 1], [6, 3]]);
  });

  it('promotes from the highest rung that can before looking lower', () => {
    const h = new History();
    const paused = (budget: number, values: Readonly<Record<number, number>>): void => {
      const n = h.start({ budget });
      for (const [step, value] of Object.entries(values)) h.report(n, Number(step), value);
      h.pause(n);
    };
    // Trials 0-2 went on to budget 3 and are paused there; trials 3-5 are paused at budget 1.
    paused(3, { 1: 1, 3: 5 });
    paused(3, { 1: 2, 3: 6 });
    paused(3, { 1: 3, 3: 7 });
    for (const value of [0.5, 8, 9]) paused(1, { 1: value });
    const { promotes } = scripted({ minBudget: 1, maxBudget: 9, eta: 3 }, h);
    // Both rung 1 (top 1 of 3: trial 0) and rung 0 (top 2 of 6: trials 3 and 0) have one to promote.
    promotes(0, 9);
    promotes(3, 3);
  });

  it('breaks ties at a rung by trial number, and maximizes when the study does', () => {
    const { h, promotes, start, finish } = scripted({ minBudget: 1, maxBudget: 3, eta: 3 }, new History('maximize'));
    for (const v of [0.9, 0.9, 0.1]) finish(start(), v);
    promotes(0, 3);
    expect(h.trial(1).state).toBe('paused');
    for (const v of [0.9, 0.0, 0.0]) finish(start(), v);
    // Six results: the top 2 are trials 0 and 1 (0.9, the earliest first), then 3 (0.9 too).
    promotes(1, 3);
  });

  it('stops starting trials after maxTrials, finishes the promotions, then is done', () => {
    const { next, start, promotes, finish } = scripted({ minBudget: 1, maxBudget: 3, eta: 3, maxTrials: 3 });
    for (const v of [3, 1, 2]) finish(start(), v);
    promotes(1, 3);
    expect(next()).toEqual({ kind: 'wait' });
    finish(1, 0.5);
    expect(next()).toEqual({ kind: 'done' });
  });

  it('at the end of a search with no trial at maxBudget, takes the leader of the highest rung on to it', () => {
    const { asha, h, next, start, promotes, finish } = scripted({ minBudget: 1, maxBudget: 9, eta: 3, maxTrials: 4 });
    for (const v of [3, 1, 2]) finish(start(), v);
    promotes(1, 3); // rung 1 holds one trial: its top third is nobody
    finish(1, 0.9);
    finish(start(), 5); // rung 0: 1, 2, 3, 5 — still only trial 1 (promoted) in its top third
    promotes(1, 9); // by the paper's rule nobody is promotable, and no trial may start
    finish(1, 0.7);
    expect(h.trial(1).state).toBe('complete');
    expect(asha.leader(h)).toBeNull(); // trial 2 stays paused at rung 0
    expect(next()).toEqual({ kind: 'done' });
  });

  it('waits for running trials before taking a leader, and takes none once a trial reached maxBudget', () => {
    const { asha, h, next, start, finish } = scripted({ minBudget: 1, maxBudget: 3, eta: 3, maxTrials: 2 });
    const a = start();
    start();
    finish(a, 1);
    expect(next()).toEqual({ kind: 'wait' });
    finish(1, 2);
    expect(asha.leader(h)).toMatchObject({ rung: 0 });
    expect(next()).toEqual({ kind: 'resume', trialId: h.trial(a).id, budget: 3 });
    follow(h, next());
    finish(a, 0.5);
    expect(next()).toEqual({ kind: 'done' });
  });

  it('counts a lost trial and its retry as one configuration', () => {
    const { asha, h, next, start, promotes, finish } = scripted({ minBudget: 1, maxBudget: 9, eta: 3 });
    for (const v of [3, 1, 2]) finish(start(), v);
    promotes(1, 3);
    for (const v of [4, 5]) finish(start(), v);
    const retry = h.retry(1); // its worker is lost while running to budget 3
    h.claim(retry);
    // The retry starts over and reports at step 1 (another value). Counted as a sixth result, it would
    // widen rung 0's top to 2 and promote trial 2; it is trial 1's configuration, already promoted.
    expect(reportTo(asha, h, retry, 1, 2.5)).toBe('continue');
    expect(next()).toEqual({ kind: 'new', budget: 1 });
    expect(finish(retry, 0.5)).toBe('pause');
    expect(h.trial(retry).intermediate.get(3)).toBe(0.5);
  });

  it('really promotes to the top rung on several workers, each decision the same after a restart', () => {
    const options = { minBudget: 1, maxBudget: 27, eta: 3, maxTrials: 60 };
    const { history, log } = simulate(new AshaScheduler(options), (k, b) => ((k * 37) % 61) + 10 / b, { workers: 4, restart: () => new AshaScheduler(options) });
    const reached = (b: number) => history.trials().filter((t) => t.intermediate.has(b)).length;
    expect(reached(1)).toBe(60);
    expect(reached(3)).toBeGreaterThanOrEqual(20);
    expect(reached(9)).toBeGreaterThanOrEqual(6);
    expect(reached(27)).toBeGreaterThanOrEqual(2);
    const top = history.trials(['complete']);
    expect(top.length).toBe(reached(27));
    for (const t of top) expect([...t.intermediate.keys()]).toEqual([1, 3, 9, 27]);
    // Every job is a distinct (trial, budget): no trial was promoted twice from a rung.
    expect(new Set(log.map((j) => j.replace(/^\w+ /, ''))).size).toBe(log.length);
    expect(history.trials(['running', 'waiting'])).toHaveLength(0);
  });

  it('refuses bad options with the option and value named', () => {
    expect(() => new AshaScheduler({ minBudget: 1, maxBudget: 9, eta: 1 })).toThrow('asha: eta must be an integer >= 2, got 1');
    expect(() => new AshaScheduler({ minBudget: 2, maxBudget: 1 })).toThrow('asha: maxBudget must be at least minBudget 2, got 1');
    expect(() => new AshaScheduler({ minBudget: 0, maxBudget: 1 })).toThrow('asha: minBudget must be a positive number, got 0');
    expect(() => new AshaScheduler({ minBudget: 1, maxBudget: 9, minEarlyStoppingRate: -1 })).toThrow('asha: minEarlyStoppingRate must be an integer >= 0, got -1');
    expect(() => new AshaScheduler({ minBudget: 1, maxBudget: 9, maxTrials: 0 })).toThrow('asha: maxTrials must be an integer >= 1, got 0');
  });
});
