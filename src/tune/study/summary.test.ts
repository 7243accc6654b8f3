import { describe, expect, it } from 'vitest';
import { summarize, summaryLine, trialLine } from './summary.js';
import type { FrozenTrial } from './trial.js';

const trial = (number: number, state: FrozenTrial['state'], value: number | null, intermediate: [number, number][] = [], attrs: Record<string, unknown> = {}): FrozenTrial => ({
  id: 100 + number,
  number,
  state,
  params: { x: number / 10 },
  distributions: {},
  value,
  intermediate: new Map(intermediate),
  attrs,
  startedAt: 0,
  finishedAt: null,
  heartbeatAt: 0,
});

describe('trial lines', () => {
  it('gives a complete trial its value, a paused or pruned one the step it stopped at and its value there', () => {
    expect(trialLine(trial(7, 'complete', 0.8814, [[1, 0.8], [27, 0.8814]]))).toBe('trial 7 complete 0.8814');
    expect(trialLine(trial(3, 'paused', null, [[0.3333333333333333, 0.62], [1, 0.7912]]))).toBe('trial 3 paused at 1: 0.7912');
    expect(trialLine(trial(4, 'pruned', null, [[0.3333333333333333, 0.31]]))).toBe('trial 4 pruned at 0.3333: 0.3100');
    expect(trialLine(trial(5, 'pruned', null))).toBe('trial 5 pruned');
  });

  it('gives a failed trial its reason', () => {
    expect(trialLine(trial(2, 'failed', null, [], { error: 'training diverged at step 12: loss is NaN' }))).toBe('trial 2 failed: training diverged at step 12: loss is NaN');
    expect(trialLine(trial(2, 'failed', null))).toBe('trial 2 failed');
  });

  it('sums a study up in one line: counts by state and the best complete trial', () => {
    const trials = [trial(0, 'complete', 0.5), trial(1, 'complete', 0.25), trial(2, 'pruned', null, [[1, 0.9]])];
    expect(summaryLine(summarize('s', 'minimize', trials))).toBe('s (minimize): 3 trials — 2 complete, 1 pruned; best 0.2500 (trial 1: x=0.1000)');
  });
});
