import { describe, expect, it } from 'vitest';
import { unigramCrossEntropy } from './unigram.js';

describe('unigramCrossEntropy', () => {
  it('equals the smoothed frequency cross-entropy computed by hand', () => {
    // train counts with add-one: token0 3+1=4, token1 1+1=2 over total 4+2=6.
    const train = Int32Array.from([0, 0, 0, 1]);
    const validation = Int32Array.from([0, 1]);
    const expected = -(Math.log(4 / 6) + Math.log(2 / 6)) / 2;
    expect(unigramCrossEntropy(train, validation, 2)).toBeCloseTo(expected, 12);
  });

  it('is log(V) for a uniform text', () => {
    const tokens = Int32Array.from({ length: 400 }, (_, i) => i % 4);
    expect(unigramCrossEntropy(tokens, tokens, 4)).toBeCloseTo(Math.log(4), 12);
  });
});
