import { describe, expect, it } from 'vitest';
import { validateWith } from '../../config/load.js';
import { fromUnit, type Distribution } from './distribution.js';
import { buildSearchSpace, searchSpaceSchema, suggestSpace } from './search-space.js';

const parse = (raw: unknown) => buildSearchSpace(validateWith(searchSpaceSchema, raw));

describe('declarative search space', () => {
  const space = parse({
    'optimizer.type': { type: 'categorical', choices: ['sgd', 'adam'] },
    'optimizer.momentum': { type: 'float', low: 0, high: 0.99, when: { 'optimizer.type': 'sgd' } },
    'optimizer.lr': { type: 'float', low: 1e-4, high: 1, log: true },
    width: { type: 'int', low: 32, high: 512, log: true },
  });

  it('suggests a conditional parameter only when its condition holds', () => {
    const byUnit = (u: number) => ({ suggest: (_name: string, d: Distribution) => fromUnit(d, u) });
    const low = suggestSpace(byUnit(0.1), space);
    expect(low['optimizer.type']).toBe('sgd');
    expect(low).toHaveProperty('optimizer.momentum');
    const high = suggestSpace(byUnit(0.9), space);
    expect(high['optimizer.type']).toBe('adam');
    expect(high).not.toHaveProperty('optimizer.momentum');
    expect(Object.keys(high)).toEqual(['optimizer.type', 'optimizer.lr', 'width']);
  });

  it('refuses invalid parameters and conditions, naming the parameter', () => {
    expect(() => parse({ lr: { type: 'float', low: 1, high: 0.1 } })).toThrow('search space: parameter "lr": low 1 is greater than high 0.1');
    expect(() => parse({ lr: { type: 'float', low: 0, high: 1, log: true } })).toThrow('parameter "lr": a log scale needs low > 0, got low 0');
    expect(() => parse({ opt: { type: 'categorical', choices: [] } })).toThrow('parameter "opt": a categorical needs at least one choice, got none');
    expect(() => parse({ m: { type: 'float', low: 0, high: 1, when: { opt: 'sgd' } } })).toThrow(
      'parameter "m": its condition names "opt", which is not a parameter listed before it',
    );
    expect(() => parse({ opt: { type: 'categorical', choices: ['sgd'] }, m: { type: 'float', low: 0, high: 1, when: { opt: 'lamb' } } })).toThrow(
      'parameter "m": its condition wants opt = "lamb", which is not one of ["sgd"]',
    );
    expect(() => parse({ x: { type: 'normal', low: 0, high: 1 } })).toThrow(/x\.type/);
    expect(() => parse({})).toThrow('search space: no parameters');
  });
});
