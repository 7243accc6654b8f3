import { describe, expect, it } from 'vitest';
import { scaledLearningRate } from './scaling.js';

describe('scaledLearningRate', () => {
  it('linear rule: base * global / reference (reference 256 by default)', () => {
    // Goyal et al.: 0.1 per 256 -> 8192 is 32x -> 3.2
    expect(scaledLearningRate(0.1, 8192)).toBeCloseTo(3.2, 12);
    expect(scaledLearningRate(0.1, 64)).toBeCloseTo(0.025, 12);
    expect(scaledLearningRate(0.01, 512, 128)).toBeCloseTo(0.04, 12);
  });

  it('square-root rule: base * sqrt(global / reference)', () => {
    // 1024 / 256 = 4 -> x2; 8192 / 256 = 32 -> x5.656854
    expect(scaledLearningRate(0.1, 1024, 256, 'sqrt')).toBeCloseTo(0.2, 12);
    expect(scaledLearningRate(0.1, 8192, 256, 'sqrt')).toBeCloseTo(0.5656854, 7);
  });

  it('refuses bad inputs', () => {
    expect(() => scaledLearningRate(-0.1, 256)).toThrow('lr scaling option baseLr=-0.1 is invalid');
    expect(() => scaledLearningRate(0.1, 0)).toThrow('globalBatch=0');
    expect(() => scaledLearningRate(0.1, 256, 256, 'cubic' as 'sqrt')).toThrow('lr scaling option rule="cubic" is invalid');
  });
});
