import { describe, expect, it } from 'vitest';
import { chooseAllReduceAlgorithm, predictAllReduceSeconds } from './cost-model.js';

const model = { alpha: 10e-6, beta: 1e-9, source: 'given' as const };

describe('alpha-beta all-reduce model', () => {
  it('implements the formulas of Thakur, Rabenseifner & Gropp', () => {
    const m = 8e6;
    expect(predictAllReduceSeconds('ring', 4, m, model)).toBeCloseTo(6 * 10e-6 + 1.5 * m * 1e-9, 12);
    expect(predictAllReduceSeconds('halving-doubling', 4, m, model)).toBeCloseTo(4 * 10e-6 + 1.5 * m * 1e-9, 12);
    expect(predictAllReduceSeconds('halving-doubling', 5, m, model)).toBeCloseTo(4 * 10e-6 + 1.5 * m * 1e-9 + 2 * (10e-6 + m * 1e-9), 12);
    expect(predictAllReduceSeconds('tree', 5, m, model)).toBeCloseTo(6 * (10e-6 + m * 1e-9), 12);
    expect(predictAllReduceSeconds('tree', 1, m, model)).toBe(0);
  });

  it('picks halving-doubling for small vectors on many ranks and ring for large ones off powers of two', () => {
    expect(chooseAllReduceAlgorithm(8, 1024, model)).toBe('halving-doubling');
    expect(chooseAllReduceAlgorithm(6, 64, model)).toBe('halving-doubling');
    expect(chooseAllReduceAlgorithm(6, 64e6, model)).toBe('ring');
    expect(chooseAllReduceAlgorithm(2, 64e6, model)).toBe('ring');
    expect(chooseAllReduceAlgorithm(3, 16, { ...model, beta: 1e-6 })).toBe('ring');
  });
});
