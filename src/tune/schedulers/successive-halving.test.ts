import { describe, expect, it } from 'vitest';
import type { NextTrial } from './scheduler.js';
import { SuccessiveHalvingScheduler, configurations, successiveHalvingRungs } from './successive-halving.js';
import { History, follow, reportTo, simulate } from './test-support/history.js';

const options = { n: 9, minBudget: 1, maxBudget: 9, eta: 3 };

/** The scheduler's next answer, which a fresh scheduler (a restarted tuner) must give too. */
function next(sh: SuccessiveHalvingScheduler, h: History): NextTrial {
  const answer = sh.nextTrial(h);
  expect(new SuccessiveHalvingScheduler(options).nextTrial(h)).toEqual(answer);
  return answer;
}

/** Starts the bracket's 9 trials and reports `values[k]` for trial k at budget 1, but the last one's. */
function bottomRung(sh: SuccessiveHalvingScheduler, h: History, values: readonly number[]): void {
  for (const _ of values) expect(follow(h, next(sh, h))).not.toBeNull();
  values.slice(0, -1).forEach((v, k) => expect(reportTo(sh, h, k, 1, v)).toBe('pause'));
}

describe('successive halving', () => {
  it('plans n_i = floor(n / eta^i) trials at minBudget * eta^i, at least one at maxBudget', () => {
    expect(successiveHalvingRungs(9, 1, 9, 3)).toEqual([{ n: 9, r: 1 }, { n: 3, r: 3 }, { n: 1, r: 9 }]);
    expect(successiveHalvingRungs(10, 1, 9, 3)).toEqual([{ n: 10, r: 1 }, { n: 3, r: 3 }, { n: 1, r: 9 }]);
    expect(successiveHalvingRungs(9, 1, 20, 3)).toEqual([{ n: 9, r: 1 }, { n: 3, r: 3 }, { n: 1, r: 9 }, { n: 1, r: 20 }]);
    expect(successiveHalvingRungs(2, 2, 16, 2)).toEqual([{ n: 2, r: 2 }, { n: 1, r: 4 }, { n: 1, r: 8 }, { n: 1, r: 16 }]);
  });

  it('waits for the whole rung, then resumes its best 1/eta one by one; the rest stay paused', () => {
    const sh = new SuccessiveHalvingScheduler(options);
    const h = new History();
    const values = [5, 3, 8, 1, 9, 2, 7, 4, 6];
    bottomRung(sh, h, values);
    expect(next(sh, h)).toEqual({ kind: 'wait' });
    expect(sh.decisions(h)[0]).toMatchObject({ decided: false, pending: [108], promote: [], retired: [] });
    // A result at the target that is not yet recorded as paused still holds the rung.
    h.report(8, 1, 6);
    expect(next(sh, h)).toEqual({ kind: 'wait' });
    h.pause(8);
    expect(sh.decisions(h)[0]).toEqual({
      budget: 1,
      size: 9,
      ranked: [103, 105, 101, 107, 100, 108, 106, 102, 104],
      pending: [],
      promoted: [],
      decided: true,
      promote: [103, 105, 101],
      retired: [107, 100, 108, 106, 102, 104],
    });
    for (const id of [103, 105, 101]) {
      const answer = next(sh, h);
      expect(answer).toEqual({ kind: 'resume', trialId: id, budget: 3 });
      follow(h, answer);
    }
    expect(next(sh, h)).toEqual({ kind: 'wait' });
    expect(reportTo(sh, h, 3, 3, 0.9)).toBe('pause');
    expect(reportTo(sh, h, 5, 3, 0.5)).toBe('pause');
    expect(next(sh, h)).toEqual({ kind: 'wait' });
    expect(reportTo(sh, h, 1, 3, 0.7)).toBe('pause');
    expect(sh.decisions(h)[1]).toMatchObject({ ranked: [105, 101, 103], promote: [105], retired: [101, 103] });
    const top = next(sh, h);
    expect(top).toEqual({ kind: 'resume', trialId: 105, budget: 9 });
    follow(h, top);
    expect(next(sh, h)).toEqual({ kind: 'wait' });
    expect(reportTo(sh, h, 5, 9, 0.1)).toBe('continue');
    expect(h.trial(5).state).toBe('complete');
    expect(next(sh, h)).toEqual({ kind: 'done' });
    // Non-promoted trials simply stay paused: 6 at rung 0, 2 at rung 1.
    expect(h.trials(['paused']).map((t) => [t.number, t.attrs.budget])).toEqual([[0, 1], [1, 3], [2, 1], [3, 3], [4, 1], [6, 1], [7, 1], [8, 1]]);
    expect(sh.decisions(h).map((d) => d.promoted.length)).toEqual([3, 1, 0]);
  });

  it('runs a bracket on several workers without deadlock, a restarted scheduler deciding the same at every step', () => {
    const sh = new SuccessiveHalvingScheduler({ n: 10, minBudget: 1, maxBudget: 27, eta: 3 });
    const { history, log } = simulate(sh, (k, b) => ((k * 7) % 10) + 1 / b, { workers: 4, restart: () => new SuccessiveHalvingScheduler({ n: 10, minBudget: 1, maxBudget: 27, eta: 3 }) });
    const reached = (b: number) => history.trials().filter((t) => t.intermediate.has(b)).map((t) => t.number);
    // Losses k * 7 mod 10: trial 0 (0), 3 (1), 6 (2), 9 (3), 2 (4), ... are the best, in that order.
    expect(reached(1)).toHaveLength(10);
    expect(reached(3)).toEqual([0, 3, 6]);
    expect(reached(9)).toEqual([0]);
    expect(reached(27)).toEqual([0]);
    expect(log.filter((j) => j.startsWith('resume'))).toEqual(['resume 0@3', 'resume 3@3', 'resume 6@3', 'resume 0@9', 'resume 0@27']);
    expect(history.trials(['complete']).map((t) => t.number)).toEqual([0]);
  });

  it('decides a rung without the trials that failed before reaching it', () => {
    const sh = new SuccessiveHalvingScheduler(options);
    const h = new History();
    bottomRung(sh, h, [5, 3, 8, 1, 9, 2, 7, 4, 6]);
    h.set(8, 'failed');
    expect(sh.decisions(h)[0]).toMatchObject({ decided: true, promote: [103, 105, 101] });
    expect(next(sh, h)).toEqual({ kind: 'resume', trialId: 103, budget: 3 });
  });

  it('takes a lost trial\'s retry for the same configuration: no second promotion for it', () => {
    const sh = new SuccessiveHalvingScheduler(options);
    const h = new History();
    bottomRung(sh, h, [5, 3, 8, 1, 9, 2, 7, 4, 6]);
    reportTo(sh, h, 8, 1, 6);
    for (let k = 0; k < 3; k++) follow(h, next(sh, h)); // trials 3, 5, 1 run to budget 3
    const retry = h.retry(3); // trial 3's worker is lost; the study queues trial 9
    expect(configurations(h.trials())).toHaveLength(9);
    expect(next(sh, h)).toEqual({ kind: 'wait' });
    expect(sh.decisions(h)[1].pending).toEqual([101, 109, 105]);
    h.claim(retry);
    // The retry starts over and reports another value at budget 1: the first attempt's result stands.
    expect(reportTo(sh, h, retry, 1, 50)).toBe('continue');
    expect(sh.decisions(h)[0]).toMatchObject({ ranked: [109, 105, 101, 107, 100, 108, 106, 102, 104], promoted: [101, 109, 105], promote: [] });
    expect(next(sh, h)).toEqual({ kind: 'wait' });
    reportTo(sh, h, retry, 3, 0.2);
    reportTo(sh, h, 5, 3, 0.5);
    reportTo(sh, h, 1, 3, 0.7);
    expect(next(sh, h)).toEqual({ kind: 'resume', trialId: 109, budget: 9 });
  });

  it('promotes no more than the next rung holds when a resumed trial reports a rung step again', () => {
    const sh = new SuccessiveHalvingScheduler(options);
    const h = new History();
    bottomRung(sh, h, [5, 3, 8, 1, 9, 2, 7, 4, 6]);
    reportTo(sh, h, 8, 1, 6);
    for (let k = 0; k < 3; k++) follow(h, next(sh, h)); // trials 3, 5, 1 run to budget 3
    // Trial 3 restarts from step 1 (no checkpoint) and is worse there this time: trial 7 moves into
    // the top 3 of rung 0, but the 3 places at rung 1 are taken.
    reportTo(sh, h, 3, 1, 50);
    expect(sh.decisions(h)[0]).toMatchObject({ ranked: [105, 101, 107, 100, 108, 106, 102, 104, 103], promote: [] });
    expect(next(sh, h)).toEqual({ kind: 'wait' });
  });

  it('refuses bad options with the option and value named', () => {
    expect(() => new SuccessiveHalvingScheduler({ ...options, n: 0 })).toThrow('successive-halving: n must be an integer >= 1, got 0');
    expect(() => new SuccessiveHalvingScheduler({ ...options, eta: 1 })).toThrow('successive-halving: eta must be an integer >= 2, got 1');
    expect(() => new SuccessiveHalvingScheduler({ ...options, minBudget: 0 })).toThrow('successive-halving: minBudget must be a positive number, got 0');
  });
});
