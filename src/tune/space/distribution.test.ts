import { describe, expect, it } from 'vitest';
import {
  cardinality,
  categoricalDistribution,
  checkDistribution,
  contains,
  floatDistribution,
  fromInternal,
  fromUnit,
  intDistribution,
  internalBounds,
  toInternal,
  toUnit,
  type Distribution,
} from './distribution.js';

describe('distributions', () => {
  it('refuse bad bounds, steps and choices with a message naming the parameter and the value', () => {
    expect(() => floatDistribution('lr', 1, 0.1)).toThrow('search space: parameter "lr": low 1 is greater than high 0.1');
    expect(() => floatDistribution('lr', -1, 1, { log: true })).toThrow('parameter "lr": a log scale needs low > 0, got low -1');
    expect(() => floatDistribution('lr', 0, Infinity)).toThrow('parameter "lr": high must be a finite number, got null');
    expect(() => floatDistribution('m', 0, 1, { step: 0.3 })).toThrow('parameter "m": high 1 is not low 0 plus a multiple of step 0.3');
    expect(() => floatDistribution('m', 0.1, 1, { step: 0.1, log: true })).toThrow('parameter "m": step and log cannot be combined');
    expect(() => intDistribution('width', 1.5, 8)).toThrow('parameter "width": low must be an integer, got 1.5');
    expect(() => intDistribution('width', 8, 4)).toThrow('parameter "width": low 8 is greater than high 4');
    expect(() => intDistribution('batch', 16, 256, { step: 16, log: true })).toThrow('parameter "batch": step 16 and log cannot be combined');
    expect(() => intDistribution('batch', 16, 100, { step: 16 })).toThrow('parameter "batch": high 100 is not low 16 plus a multiple of step 16');
    expect(() => categoricalDistribution('opt', [])).toThrow('parameter "opt": a categorical needs at least one choice, got none');
    expect(() => categoricalDistribution('opt', ['sgd', 'sgd'])).toThrow('parameter "opt": choice "sgd" appears twice');
    expect(() => categoricalDistribution('opt', [{}] as never)).toThrow('parameter "opt": choices must be strings, finite numbers, booleans or null, got {}');
    expect(() => checkDistribution('x', { kind: 'normal' } as never)).toThrow('parameter "x": unknown distribution kind "normal" (valid: float, int, categorical)');
  });

  it('map unit draws uniformly over the internal (log) range, and back', () => {
    const lr = floatDistribution('lr', 1e-4, 1, { log: true });
    expect(fromUnit(lr, 0)).toBeCloseTo(1e-4, 12);
    expect(fromUnit(lr, 0.5)).toBeCloseTo(1e-2, 10);
    expect(toUnit(lr, 1e-3)).toBeCloseTo(0.25, 12);
    expect(internalBounds(lr)).toEqual([Math.log(1e-4), 0]);
  });

  it('give every value of a discrete range an equal share of the unit interval', () => {
    const cases: Distribution[] = [
      intDistribution('a', 1, 4),
      intDistribution('b', 16, 64, { step: 16 }),
      intDistribution('c', 1, 8, { log: true }),
      floatDistribution('d', 0, 0.3, { step: 0.1 }),
      categoricalDistribution('e', ['x', 1, true, null]),
    ];
    for (const d of cases) {
      const counts = new Map<unknown, number>();
      const n = 4000;
      for (let i = 0; i < n; i++) {
        const v = fromUnit(d, (i + 0.5) / n);
        expect(contains(d, v)).toBe(true);
        counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      expect(counts.size).toBe(cardinality(d));
      // uniform except the log int, whose values get log-width shares
      if (!(d.kind === 'int' && d.log)) for (const c of counts.values()) expect(c).toBe(n / cardinality(d));
    }
    expect([...new Set(Array.from({ length: 10 }, (_, i) => fromUnit(cases[3], i / 10)))]).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it('round internal values to the step, clip them to the range, and index categoricals', () => {
    const batch = intDistribution('batch', 16, 256, { step: 16 });
    expect(fromInternal(batch, 40)).toBe(48);
    expect(fromInternal(batch, 1000)).toBe(256);
    expect(fromInternal(batch, -5)).toBe(16);
    const width = intDistribution('width', 8, 512, { log: true });
    expect(fromInternal(width, Math.log(100.4))).toBe(100);
    const opt = categoricalDistribution('opt', ['sgd', 'adam']);
    expect(toInternal(opt, 'adam')).toBe(1);
    expect(fromInternal(opt, 0.4)).toBe('sgd');
    expect(() => toInternal(opt, 'lamb')).toThrow('value "lamb" is not one of the choices ["sgd","adam"]');
    expect(contains(batch, 40)).toBe(false);
    expect(contains(batch, 48)).toBe(true);
    expect(cardinality(floatDistribution('f', 0, 1))).toBe(Infinity);
  });
});
