/** Every named rule, pre-aggregator and attack builds from its config spelling; bad names are refused with the valid ones. */
import { describe, expect, it } from 'vitest';
import { AGGREGATOR_NAMES, ATTACK_NAMES, PRE_AGGREGATOR_NAMES, attackFromSpec, ruleFromSpec } from './index.js';
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
});
