import { describe, expect, it } from 'vitest';
import { Rng } from '../../../util/rng.js';
import { categoricalDistribution, contains, floatDistribution, fromUnit, intDistribution, toUnit } from '../../space/distribution.js';
import { maximizeAcquisition } from './acquisition.js';
import { SpaceEncoding } from './encoding.js';

const space = {
  width: intDistribution('width', 8, 512, { log: true }),
  opt: categoricalDistribution('opt', ['sgd', 'adam', 'lamb']),
  lr: floatDistribution('lr', 1e-4, 1, { log: true }),
  dropout: floatDistribution('dropout', 0, 0.5, { step: 0.05 }),
};

describe('search-space encoding', () => {
  const encoding = new SpaceEncoding(space);

  it('orders coordinates by name and round-trips parameters', () => {
    expect(encoding.names).toEqual(['dropout', 'lr', 'opt', 'width']);
    expect(encoding.categorical).toEqual([false, false, true, false]);
    const params = { width: 64, opt: 'lamb', lr: 0.01, dropout: 0.15 };
    const x = encoding.encode(params);
    expect(x[2]).toBe(2);
    expect(x[1]).toBeCloseTo(0.5, 12);
    const back = encoding.decode(x);
    expect(back.width).toBe(64);
    expect(back.opt).toBe('lamb');
    expect(back.lr).toBeCloseTo(0.01, 12);
    expect(back.dropout).toBe(0.15);
  });

  it('draws, perturbs and moves only to values a trial can take', () => {
    const rng = new Rng(2);
    for (let i = 0; i < 200; i++) {
      const x = i % 2 === 0 ? encoding.random(rng) : encoding.perturb(encoding.random(rng), 0.2, rng);
      const params = encoding.decode(x);
      for (const [name, d] of Object.entries(space)) expect(contains(d, params[name])).toBe(true);
      // Stepped coordinates sit on bin centres.
      expect(x[0]).toBeCloseTo(encoding.snap(0, x[0]), 12);
      expect(x[3]).toBeCloseTo(encoding.snap(3, x[3]), 12);
    }
    // A log-scaled int moves to its neighbouring integers (bins of unequal width in unit space).
    const at = toUnit(space.width, 100);
    expect(encoding.moves(3, at, 0.05).map((u) => fromUnit(space.width, u))).toEqual([99, 101]);
    expect(encoding.moves(3, toUnit(space.width, 512), 0.05).map((u) => fromUnit(space.width, u))).toEqual([511]);
    expect(encoding.moves(2, 1, 0.05)).toEqual([0, 2]);
    expect(encoding.moves(1, 0.98, 0.05)).toEqual([0.98 - 0.05, 1]);
    expect(encoding.hasContinuous).toBe(true);
  });
});

describe('acquisition search', () => {
  it('finds the maximum of a smooth function of mixed coordinates', () => {
    const encoding = new SpaceEncoding({ a: floatDistribution('a', 0, 1), b: floatDistribution('b', 0, 1), c: categoricalDistribution('c', [0, 1, 2, 3]) });
    const score = (x: Float64Array): number => -((x[0] - 0.3137) ** 2) - 4 * (x[1] - 0.8) ** 2 - (x[2] === 2 ? 0 : 0.5);
    const best = maximizeAcquisition(score, encoding, new Rng(1), { candidates: 50, anchors: [Float64Array.of(0.5, 0.5, 0)], perAnchor: 10, refine: 2 });
    expect(best.x[0]).toBeCloseTo(0.3137, 3);
    expect(best.x[1]).toBeCloseTo(0.8, 3);
    expect(best.x[2]).toBe(2);
    expect(best.score).toBeCloseTo(0, 6);
  });
});
