import { describe, expect, it } from 'vitest';
import { erfc, expectedImprovement, logExpectedImprovement, logH, normalCdf, normalPdf } from './expected-improvement.js';

describe('expected improvement', () => {
  it('has an erfc accurate to about 1e-7 (relative)', () => {
    const reference: [number, number][] = [
      [0, 1],
      [0.3, 0.671373240540872583],
      [1, 0.157299207050285131],
      [2.5, 0.000406952017444958940],
      [4, 1.54172579002800189e-8],
      [-1, 1.84270079294971487],
    ];
    for (const [x, value] of reference) expect(Math.abs(erfc(x) / value - 1)).toBeLessThan(2e-7);
    expect(normalCdf(1.96)).toBeCloseTo(0.975002104851779564, 7);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalPdf(0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 15);
  });

  it('matches hand-computed values', () => {
    // μ = best: EI = σ φ(0).
    expect(expectedImprovement(0, 1, 0)).toBeCloseTo(0.398942280401432678, 7);
    // μ = 1, σ = 2, best = 0: z = −0.5, EI = 2 (−0.5 Φ(−0.5) + φ(0.5)).
    expect(expectedImprovement(1, 2, 0)).toBeCloseTo(0.395593114802612059, 7);
    // Far below the best, EI is the sure improvement.
    expect(expectedImprovement(-10, 1, 0)).toBeCloseTo(10, 7);
    // No uncertainty: the improvement itself.
    expect(expectedImprovement(-2, 0, 0)).toBe(2);
    expect(expectedImprovement(2, 0, 0)).toBe(0);
    expect(logExpectedImprovement(2, 0, 0)).toBe(-Infinity);
  });

  it('decreases in the mean and increases in the standard deviation', () => {
    let previous = Infinity;
    let previousLog = Infinity;
    for (let mean = -5; mean <= 30; mean += 0.25) {
      const ei = expectedImprovement(mean, 1.5, 0);
      const log = logExpectedImprovement(mean, 1.5, 0);
      if (ei > 0) expect(ei).toBeLessThan(previous);
      expect(log).toBeLessThan(previousLog);
      previous = ei;
      previousLog = log;
    }
    expect(expectedImprovement(1, 2, 0)).toBeGreaterThan(expectedImprovement(1, 1, 0));
  });

  it('keeps log EI finite and accurate where EI underflows', () => {
    for (let z = -2.9; z <= 5; z += 0.1) expect(logH(z)).toBeCloseTo(Math.log(z * normalCdf(z) + normalPdf(z)), 5);
    // Both branches agree at the switch.
    expect(logH(-3 + 1e-9)).toBeCloseTo(logH(-3 - 1e-9), 5);
    // log(z Φ(z) + φ(z)) at 40 digits.
    expect(logH(-40)).toBeCloseTo(-808.298568356619960, 9);
    expect(logH(-1000)).toBeCloseTo(-500014.734452091158, 6);
    expect(expectedImprovement(40, 1, 0)).toBe(0);
    expect(logExpectedImprovement(40, 1, 0)).toBeCloseTo(-808.298568356619960, 9);
    expect(logExpectedImprovement(80, 2, 0)).toBeCloseTo(Math.log(2) - 808.298568356619960, 9);
  });
});
