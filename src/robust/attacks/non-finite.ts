/**
 * Non-finite vectors: every Byzantine worker sends all +Infinity or all NaN, the crudest attack
 * and the test of a rule's arithmetic (an average becomes NaN; a rule that sorts or measures
 * distances must not).
 */
import { RobustRuleError } from '../aggregator.js';
import { checkHonest, copies, type Attack } from '../attack.js';

export function nonFinite(value: 'infinity' | 'nan' = 'infinity'): Attack {
  if (value !== 'infinity' && value !== 'nan') throw new RobustRuleError(`non-finite: value must be infinity or nan; got ${String(value)}`);
  const fill = value === 'nan' ? Number.NaN : Infinity;
  return {
    name: value === 'nan' ? 'nan' : 'infinity',
    forge(honest, f) {
      return copies(new Float32Array(checkHonest('non-finite', honest)).fill(fill), f);
    },
  };
}
