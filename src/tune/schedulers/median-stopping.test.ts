import { describe, expect, it } from 'vitest';
import type { Direction } from '../study/trial.js';
import { MedianStoppingScheduler, median } from './median-stopping.js';
import { History } from './test-support/history.js';

/** A history of finished trials with these curves (values at steps 1, 2, ...). */
function curves(values: readonly (readonly number[])[], direction: Direction = 'minimize'): History {
  const h = new History(direction);
  for (const curve of values) {
    const n = h.start({ budget: 10 });
    curve.forEach((v, i) => h.report(n, i + 1, v));
    h.complete(n, curve[curve.length - 1]);
  }
  return h;
}

describe('median stopping rule', () => {
  // Running averages at step 3: [1, 2, 3] -> 2, [4, 4, 4] -> 4, [9, 3, 0] -> 4; median 4.
  const others = [
    [1, 2, 3],
    [4, 4, 4],
    [9, 3, 0],
  ];

  it('stops a trial whose best value so far is worse than the median of the running averages', () => {
    const rule = new MedianStoppingScheduler({ maxBudget: 10 });
    const h = curves(others);
    const t = h.start({ budget: 10 });
    h.report(t, 1, 6).report(t, 2, 5).report(t, 3, 4.5);
    expect(rule.onReport(h, h.trial(t), 3, 4.5)).toBe('stop'); // best so far 4.5 > 4
    const u = h.start({ budget: 10 });
    h.report(u, 1, 6).report(u, 2, 5).report(u, 3, 3.6);
    // Averages 2, 4, 4 and t's 5.17: median 4 > 3.6. (Against the values at step 3 alone, 3, 4, 0
    // and 4.5, whose median is 3.5, u would be stopped.)
    expect(rule.onReport(h, h.trial(u), 3, 3.6)).toBe('continue');
  });

  it('compares the best value so far, and stops only when strictly worse', () => {
    const rule = new MedianStoppingScheduler({ maxBudget: 10 });
    const h = curves(others);
    const t = h.start({ budget: 10 });
    h.report(t, 1, 3.9).report(t, 2, 8).report(t, 3, 8);
    expect(rule.onReport(h, h.trial(t), 3, 8)).toBe('continue'); // 3.9 at step 1 is better than 4
    const u = h.start({ budget: 10 });
    h.report(u, 1, 4).report(u, 2, 4).report(u, 3, 4);
    expect(rule.onReport(h, h.trial(u), 3, 4)).toBe('continue'); // equal to the median
    // The reported value counts even if the trial snapshot does not hold it yet.
    const v = h.start({ budget: 10 });
    h.report(v, 1, 9).report(v, 2, 9);
    expect(rule.onReport(h, h.trial(v), 3, 1)).toBe('continue');
  });

  it('uses every other trial that reached the step, in any state, and no trial that did not', () => {
    const rule = new MedianStoppingScheduler({ maxBudget: 10, minTrials: 3 });
    const h = curves([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    const pruned = h.start({ budget: 10 });
    h.report(pruned, 1, 50).report(pruned, 2, 50).set(pruned, 'pruned'); // stopped at step 2: no say at step 3
    const running = h.start({ budget: 10 });
    h.report(running, 1, 3).report(running, 2, 3).report(running, 3, 3).report(running, 4, 3);
    const t = h.start({ budget: 10 });
    h.report(t, 1, 2.5).report(t, 2, 2.5).report(t, 3, 2.5);
    // At step 3: averages 1, 2, 3 (running trial included) -> median 2 < 2.5.
    expect(rule.onReport(h, h.trial(t), 3, 2.5)).toBe('stop');
    // At step 2 the pruned trial counts: 1, 2, 50, 3 -> median 2.5, not worse.
    expect(rule.onReport(h, h.trial(t), 2, 2.5)).toBe('continue');
  });

  it('waits for minTrials other trials at the step, and for the grace period', () => {
    const h = curves(others.slice(0, 2));
    const t = h.start({ budget: 10 });
    h.report(t, 1, 100).report(t, 2, 100);
    expect(new MedianStoppingScheduler({ maxBudget: 10 }).onReport(h, h.trial(t), 2, 100)).toBe('continue');
    expect(new MedianStoppingScheduler({ maxBudget: 10, minTrials: 2 }).onReport(h, h.trial(t), 2, 100)).toBe('stop');
    const graced = new MedianStoppingScheduler({ maxBudget: 10, minTrials: 2, gracePeriod: 3 });
    expect(graced.onReport(h, h.trial(t), 2, 100)).toBe('continue');
    h.report(t, 3, 100);
    expect(graced.onReport(h, h.trial(t), 3, 100)).toBe('stop');
  });

  it('maximizes when the study does', () => {
    const rule = new MedianStoppingScheduler({ maxBudget: 10 });
    const h = curves(others, 'maximize'); // values at step 1: 1, 4, 9 (larger is better)
    const low = h.start({ budget: 10 });
    h.report(low, 1, 3.5);
    expect(rule.onReport(h, h.trial(low), 1, 3.5)).toBe('stop'); // at step 1: 1, 4, 9 -> median 4 > 3.5
    const high = h.start({ budget: 10 });
    h.report(high, 1, 4.5);
    expect(rule.onReport(h, h.trial(high), 1, 4.5)).toBe('continue');
  });

  it('decides from the history alone: a fresh rule decides the same', () => {
    const h = curves(others);
    const t = h.start({ budget: 10 });
    h.report(t, 1, 6).report(t, 2, 5);
    const first = new MedianStoppingScheduler({ maxBudget: 10 });
    const decisions = [1, 2].map((s) => first.onReport(h, h.trial(t), s, 5));
    expect([1, 2].map((s) => new MedianStoppingScheduler({ maxBudget: 10 }).onReport(h, h.trial(t), s, 5))).toEqual(decisions);
    expect(decisions).toEqual(['stop', 'stop']);
  });

  it('starts trials at maxBudget until maxTrials', () => {
    const rule = new MedianStoppingScheduler({ maxBudget: 10, maxTrials: 4 });
    const h = curves(others);
    expect(rule.nextTrial(h)).toEqual({ kind: 'new', budget: 10 });
    h.start({ budget: 10 });
    expect(rule.nextTrial(h)).toEqual({ kind: 'done' });
  });

  it('takes the middle of an even count as the mean of the two middle values', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, 1, 3])).toBe(3);
  });

  it('refuses bad options with the option and value named', () => {
    expect(() => new MedianStoppingScheduler({ maxBudget: 10, minTrials: 0 })).toThrow('median-stopping: minTrials must be an integer >= 1, got 0');
    expect(() => new MedianStoppingScheduler({ maxBudget: 10, gracePeriod: -1 })).toThrow('median-stopping: gracePeriod must be a number >= 0, got -1');
    expect(() => new MedianStoppingScheduler({ maxBudget: -1 })).toThrow('median-stopping: maxBudget must be a positive number, got -1');
    expect(() => new MedianStoppingScheduler({ maxBudget: 10, maxTrials: 0 })).toThrow('median-stopping: maxTrials must be an integer >= 1, got 0');
  });
});
