import { describe, expect, it } from 'vitest';
import { FifoScheduler } from './fifo.js';
import { History, follow, reportTo } from './test-support/history.js';

describe('FIFO', () => {
  it('starts every trial at maxBudget and never stops or pauses one, however bad', () => {
    const fifo = new FifoScheduler({ maxBudget: 5 });
    const h = new History();
    for (let k = 0; k < 4; k++) {
      expect(fifo.nextTrial(h)).toEqual({ kind: 'new', budget: 5 });
      const n = follow(h, fifo.nextTrial(h)) as number;
      for (let step = 1; step <= 5; step++) expect(reportTo(fifo, h, n, step, k * 100 + step)).toBe('continue');
      expect(h.trial(n).state).toBe('complete');
      expect(h.trial(n).attrs.budget).toBe(5);
    }
  });

  it('is done after maxTrials trials started, retries of lost trials not counted', () => {
    const fifo = new FifoScheduler({ maxBudget: 3, maxTrials: 2 });
    const h = new History();
    follow(h, fifo.nextTrial(h));
    h.retry(0);
    expect(fifo.nextTrial(h)).toEqual({ kind: 'new', budget: 3 });
    follow(h, fifo.nextTrial(h));
    expect(fifo.nextTrial(h)).toEqual({ kind: 'done' });
    expect(new FifoScheduler({ maxBudget: 3, maxTrials: 2 }).nextTrial(h)).toEqual({ kind: 'done' });
  });

  it('refuses bad options with the option and value named', () => {
    expect(() => new FifoScheduler({ maxBudget: 0 })).toThrow('fifo: maxBudget must be a positive number, got 0');
    expect(() => new FifoScheduler({ maxBudget: Number.POSITIVE_INFINITY })).toThrow('fifo: maxBudget must be a positive number, got Infinity');
    expect(() => new FifoScheduler({ maxBudget: 3, maxTrials: 1.5 })).toThrow('fifo: maxTrials must be an integer >= 1, got 1.5');
  });
});
