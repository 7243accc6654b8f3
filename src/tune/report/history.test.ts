/** The optimization history read back from its SVG: a dot per complete trial, a monotone best line. */
import { describe, expect, it } from 'vitest';
import { historySvg } from './history.js';
import { elements, makeTrial, pointsOf, texts } from './test-support/trials.js';

describe('optimization history', () => {
  const values = [5, 3, 4, 1, 2];
  const trials = [
    ...values.map((value, i) => makeTrial(i, { value })),
    makeTrial(5, { state: 'pruned', reports: [[1, 9]] }),
    makeTrial(6, { state: 'failed' }),
    makeTrial(7, { value: 0.5 }),
  ];

  it('draws every complete trial and the best so far, falling when minimizing', () => {
    const svg = historySvg(trials, 'minimize');
    const dots = elements(svg, 'circle', 'trial');
    expect(dots.map((d) => Number(d['data-trial']))).toEqual([0, 1, 2, 3, 4, 7]);
    const cy = new Map(dots.map((d) => [Number(d['data-trial']), Number(d.cy)]));
    // Lower values lie lower (larger pixel y): 0.5 (trial 7) lowest, 5 (trial 0) highest.
    expect(Math.max(...cy.values())).toBe(cy.get(7));
    expect(Math.min(...cy.values())).toBe(cy.get(0));
    const [best] = elements(svg, 'polyline', 'best');
    const line = pointsOf(best!.points!);
    for (let i = 1; i < line.length; i++) {
      expect(line[i]![0]).toBeGreaterThanOrEqual(line[i - 1]![0]); // left to right
      expect(line[i]![1]).toBeGreaterThanOrEqual(line[i - 1]![1]); // never rises
    }
    // Its levels are the running minima 5, 3, 1, 0.5, at the dots of trials 0, 1, 3, 7.
    expect([...new Set(line.map((p) => p[1]))]).toEqual([0, 1, 3, 7].map((n) => cy.get(n)));
    expect(texts(svg, 'title')).toEqual(['Optimization history']);
    expect(texts(svg, 'x-label')).toEqual(['trial']);
    expect(texts(svg, 'y-label')).toEqual(['objective value (minimize)']);
    expect(texts(svg, 'x-tick').every((t) => Number.isInteger(Number(t)))).toBe(true);
  });

  it('rises when maximizing', () => {
    const svg = historySvg(trials, 'maximize');
    const dots = new Map(elements(svg, 'circle', 'trial').map((d) => [Number(d['data-trial']), Number(d.cy)]));
    const line = pointsOf(elements(svg, 'polyline', 'best')[0]!.points!);
    expect([...new Set(line.map((p) => p[1]))]).toEqual([dots.get(0)]); // 5 is never beaten
    expect(texts(svg, 'y-label')).toEqual(['objective value (maximize)']);
  });

  it('says so when there is no complete trial', () => {
    const svg = historySvg([makeTrial(0, { state: 'failed' })], 'minimize');
    expect(elements(svg, 'circle')).toHaveLength(0);
    expect(texts(svg, 'note')).toEqual(['no complete trial yet']);
  });
});
