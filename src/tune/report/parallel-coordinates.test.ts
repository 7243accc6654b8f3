/** Parallel coordinates read back from the SVG: an axis per parameter of the right kind, a line per complete trial. */
import { describe, expect, it } from 'vitest';
import { categoricalDistribution, floatDistribution, intDistribution } from '../space/distribution.js';
import { parallelCoordinatesSvg } from './parallel-coordinates.js';
import { elements, makeTrial, texts } from './test-support/trials.js';

const lr = floatDistribution('lr', 1e-4, 1, { log: true });
const dropout = floatDistribution('dropout', 0, 0.5);
const optimizer = categoricalDistribution('optimizer', ['sgd', 'adam', 'rmsprop']);
const units = intDistribution('units', 16, 256);

const sgd = (n: number, value: number, p: { lr: number; dropout: number; units: number }) =>
  makeTrial(n, { value, params: { lr: p.lr, dropout: p.dropout, optimizer: 'sgd', units: p.units }, distributions: { lr, dropout, optimizer, units } });
const adam = (n: number, value: number, p: { lr: number; units: number }) =>
  makeTrial(n, { value, params: { lr: p.lr, optimizer: 'adam', units: p.units }, distributions: { lr, optimizer, units } });

const trials = [
  sgd(0, 0.9, { lr: 0.01, dropout: 0.25, units: 16 }),
  adam(1, 0.2, { lr: 1e-3, units: 256 }),
  sgd(2, 0.5, { lr: 0.1, dropout: 0, units: 64 }),
  adam(3, 0.7, { lr: 1, units: 128 }),
  makeTrial(4, { state: 'pruned', params: { lr: 0.5, optimizer: 'adam', units: 20 }, distributions: { lr, optimizer, units } }),
];

/** The y of each vertex of a path "M x,y L x,y M ...", with whether it starts a new run. */
const vertices = (d: string): { move: boolean; x: number; y: number }[] =>
  [...d.matchAll(/([ML])([\d.]+),([\d.]+)/g)].map((m) => ({ move: m[1] === 'M', x: Number(m[2]), y: Number(m[3]) }));

describe('parallel coordinates', () => {
  const svg = parallelCoordinatesSvg(trials, 'minimize');
  const axes = elements(svg, 'g', 'axis');
  const paths = elements(svg, 'path', 'trial');

  it('has the objective axis and one per parameter, log and categorical ones as such', () => {
    expect(axes.map((a) => [a['data-param'], a['data-scale']])).toEqual([
      ['objective', 'objective'],
      ['lr', 'log'],
      ['dropout', 'linear'],
      ['optimizer', 'categorical'],
      ['units', 'linear'],
    ]);
    expect(texts(svg, 'axis-label')).toEqual(['objective', 'lr (log)', 'dropout', 'optimizer', 'units']);
    const ticks = texts(svg, 'tick');
    expect(ticks).toEqual(expect.arrayContaining(['1e-4', '0.001', '0.01', '0.1', '1', 'sgd', 'adam', 'rmsprop']));
  });

  it('draws a line per complete trial through its values, with a gap where a parameter is missing', () => {
    expect(paths.map((p) => Number(p['data-trial'])).sort()).toEqual([0, 1, 2, 3]);
    const byTrial = new Map(paths.map((p) => [Number(p['data-trial']), vertices(p.d!)]));
    const t0 = byTrial.get(0)!;
    expect(t0.map((v) => v.move)).toEqual([true, false, false, false, false]);
    // lr = 0.01 is halfway up a log axis from 1e-4 to 1; dropout 0.25 halfway up [0, 0.5]; sgd at the bottom.
    const t3 = byTrial.get(3)!; // lr = 1, the top; adam, the middle choice
    const [top, bottom] = [t3[1]!.y, t0[3]!.y];
    expect(t0[1]!.y).toBeCloseTo((top + bottom) / 2, 0);
    expect(t0[2]!.y).toBeCloseTo((top + bottom) / 2, 0);
    expect(t3[2]!.y).toBeCloseTo((top + bottom) / 2, 0);
    // An adam trial has no dropout: objective-lr, then a new run optimizer-units.
    expect(byTrial.get(1)!.map((v) => v.move)).toEqual([true, false, true, false]);
    // The objective axis: the best (0.2) at the bottom, the worst (0.9) at the top.
    expect(byTrial.get(1)![0]!.y).toBe(bottom);
    expect(t0[0]!.y).toBe(top);
  });

  it('colours from light (worst) to dark (best) and draws the best last', () => {
    expect(paths.map((p) => p['data-trial'])).toEqual(['0', '3', '2', '1']);
    const darkness = (rgb: string): number => rgb.match(/\d+/g)!.map(Number).reduce((a, b) => a + b, 0);
    const shades = paths.map((p) => darkness(p.stroke!));
    for (let i = 1; i < shades.length; i++) expect(shades[i]).toBeLessThan(shades[i - 1]!);
    // Maximizing turns it around.
    const max = elements(parallelCoordinatesSvg(trials, 'maximize'), 'path', 'trial');
    expect(max.map((p) => p['data-trial'])).toEqual(['1', '2', '3', '0']);
  });

  it('says so when there is no complete trial', () => {
    expect(texts(parallelCoordinatesSvg([trials[4]!], 'minimize'), 'note')).toEqual(['no complete trial yet']);
  });
});
