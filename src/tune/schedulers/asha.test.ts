import { describe, expect, it } from 'vitest';
import { AshaScheduler, ashaRungs } from './asha.js';
import { History } from './test-support/history.js';

/** A trial of the history reports `value` at its target budget and is paused or completed as ASHA says. */
function finishRung(asha: AshaScheduler, history: History, number: number, value: number): void {
  const budget = history.trial(number).attrs.budget as number;
  history.report(number, budget, value);
  const decision = asha.onReport(history, history.trial(number), budget);
  history.set(number, decision === 'pause' ? 'paused' : 'complete', value);
}

describe('ASHA', () => {
  it('has rungs minBudget * eta^(k + s) up to maxBudget', () => {
    expect(ashaRungs(1, 27, 3)).toEqual([1, 3, 9, 27]);
    expect(ashaRungs(1, 27, 3, 1)).toEqual([3, 9, 27]);
    expect(ashaRungs(1, 20, 3)).toEqual([1, 3, 9, 20]);
    expect(() => new AshaScheduler({ minBudget: 1, maxBudget: 9, eta: 1 })).toThrow('asha: eta must be an integer >= 2, got 1');
    expect(() => new AshaScheduler({ minBudget: 2, maxBudget: 1 })).toThrow('asha: maxBudget must be at least minBudget 2, got 1');
  });

  it('promotes by the paper\'s rule on a scripted result sequence', () => {
    const asha = new AshaScheduler({ minBudget: 1, maxBudget: 9, eta: 3 });
    const h = new History();
    const next = () => asha.nextTrial(h);
    const start = (): number => {
      const n = next();
      expect(n).toEqual({ kind: 'new', budget: 1 });
      return h.start({ budget: 1 });
    };
    // Rung 0 results arrive one by one; the top floor(n / 3) is promotable as soon as it exists.
    const t0 = start();
    finishRung(asha, h, t0, 5);
    const t1 = start();
    finishRung(asha, h, t1, 7);
    // Two results: floor(2 / 3) = 0, nothing to promote yet.
    const t2 = start();
    finishRung(asha, h, t2, 6);
    // Three results: the top one (t0, 5) is promoted to budget 3.
    expect(next()).toEqual({ kind: 'resume', trialId: h.trial(t0).id, budget: 3 });
    h.resume(h.trial(t0).id, 3);
    // While t0 runs at rung 1, nothing else is promotable (top 1 of 3 is t0, promoted): a new trial.
    const t3 = start();
    finishRung(asha, h, t3, 1); // the best so far at rung 0
    // Four results: top floor(4 / 3) = 1 is now t3 (1 < 5): t3 is promoted although it came last.
    expect(next()).toEqual({ kind: 'resume', trialId: h.trial(t3).id, budget: 3 });
    h.resume(h.trial(t3).id, 3);
    finishRung(asha, h, t0, 4); // t0 at rung 1
    finishRung(asha, h, t3, 0.5); // t3 at rung 1
    // Rung 1 has 2 results: floor(2/3) = 0; rung 0 has 4: top 1 = t3, already promoted: a new trial.
    const t4 = start();
    finishRung(asha, h, t4, 8);
    const t5 = start();
    finishRung(asha, h, t5, 9);
    // Rung 0 has 6 results: top 2 = t3 (promoted) and t0 (promoted): nothing; a new trial.
    const t6 = start();
    finishRung(asha, h, t6, 2);
    // Rung 0 has 7: top 2 = t3, t6 -> t6 promoted. (Ties go to the earlier trial; none here.)
    expect(next()).toEqual({ kind: 'resume', trialId: h.trial(t6).id, budget: 3 });
    h.resume(h.trial(t6).id, 3);
    finishRung(asha, h, t6, 3);
    // Rung 1 has 3 results (t3 0.5, t6 3, t0 4): its top 1, t3, goes to the top rung — the full budget.
    expect(next()).toEqual({ kind: 'resume', trialId: h.trial(t3).id, budget: 9 });
    h.resume(h.trial(t3).id, 9);
    finishRung(asha, h, t3, 0.25);
    expect(h.trial(t3).state).toBe('complete');
    expect([...h.trial(t3).intermediate.keys()]).toEqual([1, 3, 9]);
    // A trial is promoted from a rung at most once: t3 is never offered again.
    const again = next();
    expect(again.kind === 'resume' && again.trialId === h.trial(t3).id).toBe(false);
    // A restarted tuner (a fresh scheduler on the same history) decides the same.
    expect(new AshaScheduler({ minBudget: 1, maxBudget: 9, eta: 3 }).nextTrial(h)).toEqual(again);
  });

  it('breaks ties at a rung by trial number, and maximizes when the study does', () => {
    const asha = new AshaScheduler({ minBudget: 1, maxBudget: 3, eta: 3 });
    const h = new History('maximize');
    for (const v of [0.9, 0.9, 0.1]) finishRung(asha, h, h.start({ budget: 1 }), v);
    expect(asha.nextTrial(h)).toEqual({ kind: 'resume', trialId: h.trial(0).id, budget: 3 });
  });

  it('stops starting trials after maxTrials, finishes the promotions, then is done', () => {
    const asha = new AshaScheduler({ minBudget: 1, maxBudget: 3, eta: 3, maxTrials: 3 });
    const h = new History();
    for (const v of [3, 1, 2]) finishRung(asha, h, h.start({ budget: 1 }), v);
    const promote = asha.nextTrial(h);
    expect(promote).toEqual({ kind: 'resume', trialId: h.trial(1).id, budget: 3 });
    h.resume(h.trial(1).id, 3);
    expect(asha.nextTrial(h)).toEqual({ kind: 'wait' });
    finishRung(asha, h, 1, 0.5);
    expect(asha.nextTrial(h)).toEqual({ kind: 'done' });
  });
});
