import { describe, expect, it } from 'vitest';
import { HyperbandScheduler, hyperbandBrackets, hyperbandSchedule, sMaxOf } from './hyperband.js';
import { History, simulate } from './test-support/history.js';

describe('Hyperband', () => {
  it('has exactly the brackets and rungs of the paper for R = 81, eta = 3', () => {
    const brackets = hyperbandBrackets(81, 3);
    expect(brackets.map((b) => [b.s, b.n, b.r])).toEqual([[4, 81, 1], [3, 34, 3], [2, 15, 9], [1, 8, 27], [0, 5, 81]]);
    expect(brackets.map((b) => b.rungs.map((g) => `${g.n}@${g.r}`))).toEqual([
      ['81@1', '27@3', '9@9', '3@27', '1@81'],
      ['34@3', '11@9', '3@27', '1@81'],
      ['15@9', '5@27', '1@81'],
      ['8@27', '2@81'],
      ['5@81'],
    ]);
  });

  it('computes s_max and n in integers, where floating point is off by one', () => {
    expect(sMaxOf(81, 3)).toBe(4);
    expect(sMaxOf(80, 3)).toBe(3);
    expect(sMaxOf(1000, 10)).toBe(3); // Math.floor(Math.log(1000) / Math.log(10)) is 2
    expect(sMaxOf(2, 3)).toBe(0);
    // R = 3^10, s = 8: ceil(11 / 9 * 3^8) = 8019 exactly (in floating point, 8019.000000000001).
    expect(hyperbandBrackets(3 ** 10, 3).find((b) => b.s === 8)?.n).toBe(8019);
  });

  it('rounds budgets to whole steps when R is not a power of eta', () => {
    expect(hyperbandBrackets(10, 3).map((b) => b.rungs.map((g) => `${g.n}@${g.r}`))).toEqual([['9@1', '3@3', '1@10'], ['5@3', '1@10'], ['3@10']]);
    expect(hyperbandBrackets(2, 3).map((b) => b.rungs)).toEqual([[{ n: 1, r: 2 }]]);
  });

  it('runs every bracket, promoting the best 1/eta of each rung, the best to the full budget', () => {
    const restart = () => new HyperbandScheduler({ maxBudget: 9, eta: 3 });
    // Trial k's loss falls with budget and is lower for larger k: the last-started survive.
    const { history, log } = simulate(restart(), (k, b) => 100 - k + 10 / b, { restart });
    expect(log.slice(0, 9)).toEqual(Array.from({ length: 9 }, (_, k) => `new ${k}@1`));
    expect(log.slice(9, 12)).toEqual(['resume 8@3', 'resume 7@3', 'resume 6@3']);
    expect(log[12]).toBe('resume 8@9');
    expect(log.slice(13, 18)).toEqual(['new 9@3', 'new 10@3', 'new 11@3', 'new 12@3', 'new 13@3']);
    expect(log[18]).toBe('resume 13@9');
    expect(log.slice(19)).toEqual(['new 14@9', 'new 15@9', 'new 16@9']);
    expect(history.trials(['complete']).map((t) => t.number)).toEqual([8, 13, 14, 15, 16]);
    expect(history.trials().map((t) => t.attrs.bracket)).toEqual([...Array(9).fill(2), ...Array(5).fill(1), ...Array(3).fill(0)]);
  });

  it('fills every rung of the paper\'s table for R = 81 on 4 workers, each decision the same after a restart', () => {
    const restart = () => new HyperbandScheduler({ maxBudget: 81, eta: 3 });
    // A loss that is not monotone in the trial number, so every rung ranks its trials anew.
    const { history } = simulate(restart(), (k, b) => ((k * 37) % 101) / b, { workers: 4, restart });
    for (const bracket of hyperbandBrackets(81, 3)) {
      const members = history.trials().filter((t) => t.attrs.bracket === bracket.s);
      expect(bracket.rungs.map((g) => members.filter((t) => t.intermediate.has(g.r)).length)).toEqual(bracket.rungs.map((g) => g.n));
      expect(members.filter((t) => t.state === 'complete')).toHaveLength(bracket.rungs[bracket.s].n);
    }
    expect(history.trials()).toHaveLength(81 + 34 + 15 + 8 + 5);
  });

  it('while a rung is still running starts the next bracket, waits only when every bracket does, and a fresh scheduler decides the same', () => {
    const scheduler = new HyperbandScheduler({ maxBudget: 9, eta: 3 });
    const history = new History();
    for (let k = 0; k < 9; k++) history.start({ budget: 1, bracket: 2 });
    for (let k = 0; k < 8; k++) history.report(k, 1, k).pause(k);
    expect(scheduler.decisions(history, 2)[0]).toMatchObject({ decided: false, pending: [108] });
    expect(scheduler.nextTrial(history)).toEqual({ kind: 'new', budget: 3, attrs: { bracket: 1, round: 0 } });
    for (let k = 0; k < 5; k++) history.start({ budget: 3, bracket: 1, round: 0 });
    expect(scheduler.nextTrial(history)).toEqual({ kind: 'new', budget: 9, attrs: { bracket: 0, round: 0 } });
    for (let k = 0; k < 3; k++) history.start({ budget: 9, bracket: 0, round: 0 });
    expect(scheduler.nextTrial(history)).toEqual({ kind: 'wait' });
    // The first rung of the first bracket fills: its best goes on before anything later.
    history.report(8, 1, -1).pause(8);
    const next = scheduler.nextTrial(history);
    expect(next).toEqual({ kind: 'resume', trialId: history.trial(8).id, budget: 3 });
    expect(new HyperbandScheduler({ maxBudget: 9, eta: 3 }).nextTrial(history)).toEqual(next);
  });

  it('keeps 4 workers busy over 90% of the time on R = 81: none waits on a rung while a later bracket has trials to start', () => {
    // Brackets one strictly after another kept them busy 62% of the time (638 steps, against 425 now).
    const { elapsed, work } = simulate(new HyperbandScheduler({ maxBudget: 81, eta: 3 }), (k, b) => ((k * 37) % 101) / b, { workers: 4 });
    expect(work).toBe(1581);
    expect(work / (4 * elapsed)).toBeGreaterThan(0.9);
  });

  it('with maxTrials repeats the brackets, the last cut short with its rungs scaled', () => {
    const shape = (maxTrials?: number) => hyperbandSchedule(81, 3, maxTrials).map((b) => `${b.round}:${b.rungs.map((g) => `${g.n}@${g.r}`).join(' ')}`);
    expect(shape()).toEqual(shape(143));
    expect(shape(143)).toHaveLength(5);
    // Fewer than the first bracket: one bracket of 60, a trial still reaching R.
    expect(shape(60)).toEqual(['0:60@1 20@3 6@9 2@27 1@81']);
    // 200 = 143 + 57: a second round begins with a bracket of 57 at budget 1.
    expect(shape(200).slice(5)).toEqual(['1:57@1 19@3 6@9 2@27 1@81']);
    expect(shape(143 + 81 + 34 + 2).slice(5)).toEqual(['1:81@1 27@3 9@9 3@27 1@81', '1:34@3 11@9 3@27 1@81', '1:2@9 1@27 1@81']);
    expect(hyperbandSchedule(81, 3, 1000).reduce((sum, b) => sum + b.n, 0)).toBe(1000);
  });

  it('plays a second round of brackets and a bracket cut short to the end, every one decided', () => {
    const restart = () => new HyperbandScheduler({ maxBudget: 9, eta: 3, maxTrials: 17 + 11 });
    const { history } = simulate(restart(), (k, b) => ((k * 37) % 101) / b, { workers: 3, restart });
    expect(history.trials()).toHaveLength(28);
    const scheduler = restart();
    for (const bracket of scheduler.schedule) {
      const members = history.trials().filter((t) => t.attrs.bracket === bracket.s && t.attrs.round === bracket.round);
      expect(members).toHaveLength(bracket.n);
      expect(bracket.rungs.map((g) => members.filter((t) => t.intermediate.has(g.r)).length)).toEqual(bracket.rungs.map((g) => g.n));
      expect(scheduler.decisions(history, bracket.s, bracket.round).every((d) => d.decided)).toBe(true);
    }
    // 9 + 5 + 3 in round 0, then 9 and the 2 left at s = 1 (2@3, 1@9).
    expect(scheduler.schedule.map((b) => [b.round, b.s, b.n])).toEqual([[0, 2, 9], [0, 1, 5], [0, 0, 3], [1, 2, 9], [1, 1, 2]]);
    expect(history.trials(['running', 'waiting'])).toHaveLength(0);
  });

  it('refuses a bad eta or budget with the option and value named', () => {
    expect(() => hyperbandBrackets(81, 1)).toThrow('hyperband: eta must be an integer >= 2, got 1');
    expect(() => new HyperbandScheduler({ maxBudget: 81, eta: 2.5 })).toThrow('hyperband: eta must be an integer >= 2, got 2.5');
    expect(() => hyperbandBrackets(0, 3)).toThrow('hyperband: maxBudget must be a positive integer, got 0');
    expect(() => new HyperbandScheduler({ maxBudget: 8.5 })).toThrow('hyperband: maxBudget must be a positive integer, got 8.5');
    expect(() => new HyperbandScheduler({ maxBudget: 9 }).decisions(new History(), 7)).toThrow('hyperband: no bracket 7 in round 0 (brackets 2, 1, 0)');
    expect(() => new HyperbandScheduler({ maxBudget: 9, maxTrials: 20 }).decisions(new History(), 1, 1)).toThrow('hyperband: no bracket 1 in round 1 (brackets 2, 1, 0, 2 (round 1))');
    expect(() => new HyperbandScheduler({ maxBudget: 9, maxTrials: 0 })).toThrow('hyperband: maxTrials must be an integer >= 1, got 0');
  });
});
