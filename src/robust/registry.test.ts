/** Every named rule, pre-aggregator and attack builds from its config spelling; bad names are refused with the valid ones. */
import { describe, expect, it } from 'vitest';
import { AGGREGATOR_NAMES, ATTACK_NAMES, PRE_AGGREGATOR_NAMES, RobustRuleError, attackFromSpec, ruleFromSpec } from './index.js';
import { vectors } from './aggregators/test-support/helpers.js';

// Fourteen vectors in 2-D around [1, 1] (seven after bucketing in pairs, as Bulyan needs for f = 1);
// every rule with f = 1 must land near [1, 1].
const seven = [[1, 1], [1.1, 0.9], [0.9, 1.1], [1, 1.2], [1.2, 1], [0.8, 0.9], [1, 0.8]];
const inputs = vectors(...seven, ...seven.map(([a, b]) => [b!, a!]));

describe('robust registry', () => {
  it('builds every aggregator, alone and after every pre-aggregator', () => {
    for (const name of AGGREGATOR_NAMES) {
      for (const pre of [[], ...PRE_AGGREGATOR_NAMES.map((p) => [p === 'static-clipping' ? { type: p, c: 10 } : { type: p }])]) {
        const rule = ruleFromSpec({ type: name }, pre, 1);
        const out = new Float32Array(2);
        rule.aggregate(inputs, out);
        expect(Math.abs(out[0]! - 1), `${rule.name}`).toBeLessThan(name === 'sign-majority' ? 1 : 0.2);
      }
    }
  });
  it('builds every attack', () => {
    for (const name of ATTACK_NAMES) {
      const attack = attackFromSpec({ type: name }, { seed: 1, rule: () => ruleFromSpec({ type: 'median' }, [], 1) });
      const observed = name === 'label-flipping' ? inputs.slice(0, 2) : inputs;
      expect(attack.forge(observed, 2), name).toHaveLength(2);
    }
  });
  it('refuses unknown names and options, listing the valid ones', () => {
    expect(() => ruleFromSpec({ type: 'krumm' }, [], 1)).toThrow(/unknown aggregator "krumm" \(one of: average, median, trimmed-mean, /);
    expect(() => ruleFromSpec({ type: 'median' }, [{ type: 'nnm', k: 2 }], 1)).toThrow('pre-aggregator nnm has no option "k" (it takes no options)');
    expect(() => attackFromSpec({ type: 'ipm', eps: 1 }, { seed: 1, rule: () => ruleFromSpec({ type: 'average' }, [], 0) })).toThrow('attack ipm has no option "eps" (options: epsilon)');
  });
  it('refuses an option of the wrong type or range in one line naming the key and the value', () => {
    const context = { seed: 1, rule: () => ruleFromSpec({ type: 'average' }, [], 0) };
    const refusal = (fn: () => unknown): string => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(RobustRuleError);
        return (error as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(refusal(() => ruleFromSpec({ type: 'centered-clipping', tau: 'big' }, [], 1))).toBe('centered-clipping: tau must be a positive number; got big');
    expect(refusal(() => ruleFromSpec({ type: 'krum', neighbours: 'n-f' }, [], 1))).toBe('krum: neighbours must be n-f-2 or n-f-1; got n-f');
    expect(refusal(() => ruleFromSpec({ type: 'median' }, [{ type: 'bucketing', s: 1.5 }], 1))).toBe('bucketing: s must be a positive integer; got 1.5');
    expect(refusal(() => ruleFromSpec({ type: 'median' }, [{ type: 'static-clipping' }], 1))).toBe('static-clipping: c is missing (it must be a positive number)');
    expect(refusal(() => attackFromSpec({ type: 'min-max', direction: 3 }, context))).toBe('min-max: direction must be unit, std or sign; got 3');
    expect(refusal(() => attackFromSpec({ type: 'gaussian', sigma: [1] }, context))).toBe('gaussian: sigma must be a finite number >= 0; got [1]');
    expect(refusal(() => attackFromSpec({ type: 'optimal-alie', std: 'sample' }, context))).toBe('optimal-alie: std must be unbiased or population; got sample');
  });

  it('an option set to undefined keeps its default, and a config seed reaches the gaussian attack unless it sets its own', () => {
    expect(ruleFromSpec({ type: 'krum', neighbours: undefined }, [], 1).name).toBe('krum');
    const forged = (spec: { type: string; seed?: number }, seed: number): number[] =>
      Array.from(attackFromSpec(spec, { seed, rule: () => ruleFromSpec({ type: 'average' }, [], 0) }).forge(inputs, 1)[0]!);
    expect(forged({ type: 'gaussian' }, 7)).toEqual(forged({ type: 'gaussian', seed: 7 }, 1));
    expect(forged({ type: 'gaussian' }, 7)).not.toEqual(forged({ type: 'gaussian' }, 8));
  });
});
