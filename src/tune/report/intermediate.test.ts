/** Intermediate values read back from the SVG: a line per reporting trial, states and rungs. */
import { describe, expect, it } from 'vitest';
import { intermediateSvg, rungSteps, STATE_COLOURS } from './intermediate.js';
import { elements, makeTrial, pointsOf, texts } from './test-support/trials.js';

// An ASHA-like history (eta 3): 9 trials at step 1, 3 promoted to 3, 1 to 9; one trial never reported.
const trials = [
  ...Array.from({ length: 6 }, (_, i) => makeTrial(i, { state: 'paused', reports: [[1, 10 + i]] })),
  makeTrial(6, { state: 'paused', reports: [[1, 5], [3, 4]] }),
  makeTrial(7, { state: 'pruned', reports: [[1, 6], [3, 5]] }),
  makeTrial(8, { state: 'complete', value: 1, reports: [[1, 4], [3, 2], [9, 1]] }),
  makeTrial(9, { state: 'failed' }),
];

describe('intermediate values', () => {
  it('draws one line per trial with reports, through each report, coloured by state', () => {
    const svg = intermediateSvg(trials);
    const groups = elements(svg, 'g', 'trial');
    expect(groups).toHaveLength(9);
    expect(elements(svg, 'polyline')).toHaveLength(9);
    const byTrial = new Map(groups.map((g, i) => [Number(g['data-trial']), { state: g['data-state'], line: elements(svg, 'polyline')[i]! }]));
    expect(byTrial.has(9)).toBe(false);
    expect(byTrial.get(8)!.state).toBe('complete');
    expect(byTrial.get(8)!.line.stroke).toBe(STATE_COLOURS.complete);
    expect(byTrial.get(7)!.line.stroke).toBe(STATE_COLOURS.pruned);
    expect(byTrial.get(0)!.line.stroke).toBe(STATE_COLOURS.paused);
    expect(pointsOf(byTrial.get(8)!.line.points!)).toHaveLength(3);
    expect(pointsOf(byTrial.get(0)!.line.points!)).toHaveLength(1);
    // The complete trial is drawn last (on top).
    expect(groups.at(-1)!['data-trial']).toBe('8');
    expect(elements(svg, 'circle')).toHaveLength(6 + 2 + 2 + 3);
    expect(texts(svg, 'legend')).toEqual(['complete (1)', 'pruned (1)', 'paused (7)', 'rung']);
  });

  it('marks the rungs (steps where two or more trials stopped) with the trials that reached them', () => {
    expect(rungSteps(trials)).toEqual([1, 3]);
    const svg = intermediateSvg(trials);
    expect(elements(svg, 'line', 'rung').map((l) => l['data-step'])).toEqual(['1', '3']);
    expect(svg).toContain('>1: 9<');
    expect(svg).toContain('>3: 3<');
  });

  it('puts geometric rungs evenly apart on a log step axis', () => {
    const linear = intermediateSvg(trials);
    expect(texts(linear, 'x-label')).toEqual(['step']); // 1 to 9 spans less than 20x: linear by default
    const svg = intermediateSvg(trials, { logX: true });
    expect(texts(svg, 'x-label')).toEqual(['step (log scale)']);
    const [x1, x3, x9] = pointsOf(elements(svg, 'polyline').at(-1)!.points!).map((p) => p[0]);
    expect(x3! - x1!).toBeCloseTo(x9! - x3!, 0);
    const wide = [makeTrial(0, { state: 'complete', value: 1, reports: [[1, 3], [27, 2], [81, 1]] })];
    expect(texts(intermediateSvg(wide), 'x-label')).toEqual(['step (log scale)']);
    expect(texts(intermediateSvg(wide, { logX: false }), 'x-label')).toEqual(['step']);
  });

  it('says so when no trial reported', () => {
    expect(texts(intermediateSvg([makeTrial(0, { value: 1 })]), 'note')).toEqual(['no trial reported intermediate values']);
  });
});
