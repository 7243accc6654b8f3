/**
 * DC-ASGD's compensation (delay-compensation.ts) against hand computations, constant and adaptive
 * lambda, with pushes weighted by 1/scale as a parameter server's workers push them.
 */
import { describe, expect, it } from 'vitest';
import { compensateGradient, DelayCompensation } from './delay-compensation.js';

describe('DC-ASGD compensation', () => {
  it('constant lambda (DC-ASGD-c): g + lambda g² (w_now - w_bak), on the mean gradient', () => {
    // Pushed with weight 1/2: mean gradients g = [2, -1, 0.5, 0].
    const pushed = Float32Array.of(1, -0.5, 0.25, 0);
    const now = Float32Array.of(1, 2, 3, 4);
    const backup = Float32Array.of(0.5, 2.5, 3, 3);
    compensateGradient(pushed, now, backup, { lambda: 0.1, adaptive: false, meanSquareDecay: 0.95 }, 2, null);
    // g' = [2 + 0.1·4·0.5, -1 + 0.1·1·(-0.5), 0.5 + 0, 0 + 0] = [2.2, -1.05, 0.5, 0], weighted back by 1/2.
    expect(Array.from(pushed)).toEqual([1.1, -0.525, 0.25, 0].map(Math.fround));
  });

  it('adaptive lambda (DC-ASGD-a): lambda0 / sqrt(MeanSquare), MeanSquare updated with this push first', () => {
    const pushed = Float32Array.of(1, -0.5, 0);
    const now = Float32Array.of(1, 2, 5);
    const backup = Float32Array.of(0.5, 2.5, 3);
    const meanSquare = Float32Array.of(4, 0, 0);
    compensateGradient(pushed, now, backup, { lambda: 2, adaptive: true, meanSquareDecay: 0.75 }, 2, meanSquare);
    // g = [2, -1, 0]; MeanSquare = 0.75 [4, 0, 0] + 0.25 [4, 1, 0] = [4, 0.25, 0]; lambda = 2 / [2, 0.5, -] = [1, 4, -].
    expect(Array.from(meanSquare)).toEqual([4, 0.25, 0]);
    // g' = [2 + 1·4·0.5, -1 + 4·1·(-0.5), 0] = [4, -3, 0], weighted back by 1/2.
    expect(Array.from(pushed)).toEqual([2, -1.5, 0]);
  });

  it('keeps each worker the parameters it pulled, and one MeanSquare over every push', () => {
    const dc = new DelayCompensation({ lambda: 1, adaptive: true, meanSquareDecay: 0.5 }, 2, Float32Array.of(0), 1);
    dc.pulled(1, Float32Array.of(3));
    const a = Float32Array.of(2);
    dc.compensate(0, a, Float32Array.of(4)); // worker 0 pulled 0: MeanSquare 0.5·4 = 2, g' = 2 + 4·4/sqrt(2)
    expect(a[0]).toBeCloseTo(2 + 16 / Math.SQRT2, 5);
    const b = Float32Array.of(1);
    dc.compensate(1, b, Float32Array.of(4)); // worker 1 pulled 3: MeanSquare 0.5·2 + 0.5·1 = 1.5, g' = 1 + 1·1/sqrt(1.5)
    expect(b[0]).toBeCloseTo(1 + 1 / Math.sqrt(1.5), 5);
  });
});
