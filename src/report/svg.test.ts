/** Ticks, scales and labels of the SVG charts. */
import { describe, expect, it } from 'vitest';
import { formatNumber, logTicks, niceTicks, paddedExtent, scale, sequentialColour } from './svg.js';

describe('svg chart scales, ticks and labels', () => {
  it('places ticks at steps of 1, 2 or 5 times a power of ten', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.13, 0.87)).toEqual([0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]); // 0.148 per tick rounds to 0.1
    expect(niceTicks(-3.2, 14.9)).toEqual([0, 5, 10]);
    expect(niceTicks(0, 3, 8, true)).toEqual([0, 1, 2, 3]); // never a step below 1 on an integer axis
    expect(niceTicks(120, 180, 3)).toEqual([120, 140, 160, 180]);
    expect(niceTicks(2, 2)).toEqual([2]);
  });

  it('ticks a log axis at powers of ten, or at 1, 2, 5 within a decade', () => {
    expect(logTicks(1e-4, 1)).toEqual([1e-4, 1e-3, 0.01, 0.1, 1]);
    expect(logTicks(1, 9)).toEqual([1, 2, 5]);
    expect(logTicks(0.9, 81)).toEqual([1, 2, 5, 10, 20, 50]);
  });

  it('maps linearly or logarithmically onto the pixel range', () => {
    const lin = scale([0, 10], [100, 200]);
    expect([lin.map(0), lin.map(2.5), lin.map(10)]).toEqual([100, 125, 200]);
    const log = scale([1, 100], [300, 100], { log: true });
    expect(log.map(10)).toBeCloseTo(200, 12);
    expect(log.log).toBe(true);
    expect(scale([0, 100], [0, 1], { log: true }).log).toBe(false); // not a positive domain
    expect(scale([5, 5], [0, 10]).map(5)).toBe(5);
    expect(paddedExtent([2, 4])).toEqual([1.9, 4.1]);
    expect(paddedExtent([3, 3])).toEqual([expect.closeTo(2.7, 12), expect.closeTo(3.3, 12)]);
  });

  it('labels numbers briefly and colours light to dark', () => {
    expect([formatNumber(0.397887), formatNumber(1234567), formatNumber(2e-5), formatNumber(12), formatNumber(0)]).toEqual(['0.3979', '1.23e+6', '2e-5', '12', '0']);
    expect(sequentialColour(0)).toBe('rgb(222,235,247)');
    expect(sequentialColour(1)).toBe('rgb(8,48,107)');
    expect(sequentialColour(0.125)).toBe('rgb(190,219,236)'); // halfway between the first two stops
  });
});
