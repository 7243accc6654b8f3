import { describe, expect, it } from 'vitest';
import { checkCompression, compressionSchema, createCompressor } from './registry.js';
import { MomentumCorrection } from './momentum-correction.js';
import { SignSgd } from './signsgd.js';
import { TopK } from './topk.js';

const target = (length: number) => ({ length, segments: [], rank: 0, size: 1, seed: 1 });
const input = (n: number, step: number) => Float32Array.from({ length: n }, (_, i) => (((i * 7 + step * 5) % 13) - 6) / 64);

describe('momentum correction', () => {
  it('around a lossless compressor sends the momentum velocity u = m u + g: SGD with momentum exactly', () => {
    const n = 8;
    const corrected = new MomentumCorrection(new TopK(1, n), 0.5, n);
    const u = new Float32Array(n);
    const sent = new Float32Array(n);
    for (let step = 0; step < 5; step++) {
      const g = input(n, step);
      for (let i = 0; i < n; i++) u[i] = 0.5 * u[i] + g[i];
      corrected.decode(corrected.encode(g, step), sent);
      expect([...sent]).toEqual([...u]);
      expect(corrected.pending().every((x) => x === 0)).toBe(true);
    }
  });

  it('keeps sum(sent) + accumulated = sum of the velocities exactly, and resumes from its state', () => {
    const n = 16;
    const corrected = new MomentumCorrection(new SignSgd(n), 0.5, n);
    const u = new Float64Array(n);
    const velocities = new Float64Array(n);
    const sentSum = new Float64Array(n);
    const sent = new Float32Array(n);
    for (let step = 0; step < 6; step++) {
      const g = input(n, step);
      for (let i = 0; i < n; i++) {
        u[i] = 0.5 * u[i] + g[i];
        velocities[i] += u[i];
      }
      corrected.decode(corrected.encode(g, step), sent);
      for (let i = 0; i < n; i++) sentSum[i] += sent[i];
      const pending = corrected.pending();
      for (let i = 0; i < n; i++) expect(sentSum[i] + pending[i]).toBe(velocities[i]);
    }
    const copy = new MomentumCorrection(new SignSgd(n), 0.5, n);
    copy.loadState(corrected.saveState());
    expect(copy.encode(input(n, 9), 9)).toEqual(corrected.encode(input(n, 9), 9));
  });

  it('is configured as compression.momentumCorrection, under plain SGD only, and not around methods with a residual of their own', () => {
    const spec = (extra: Record<string, unknown>) => compressionSchema.parse({ type: 'signsgd', ...extra });
    expect(createCompressor(spec({ momentumCorrection: 0.9 }), target(4)).name).toBe('signsgd+momentum(0.9)');
    expect(() => checkCompression(spec({ momentumCorrection: 0.9 }), target(4), { type: 'sgd', momentum: 0.9 })).toThrow(
      'compression with momentumCorrection keeps the momentum, so the optimizer must be sgd with momentum 0, got sgd with momentum 0.9',
    );
    expect(() => checkCompression(spec({ momentumCorrection: 0.9 }), target(4), { type: 'sgd', momentum: 0 })).not.toThrow();
    expect(() => createCompressor(spec({ momentumCorrection: 0.9, errorFeedback: true }), target(4))).toThrow(/cannot be combined with errorFeedback/);
    expect(() => createCompressor(compressionSchema.parse({ type: 'dgc', momentumCorrection: 0.9 }), target(4))).toThrow(/cannot be combined with dgc/);
    expect(compressionSchema.safeParse({ type: 'signsgd', momentumCorrection: 1 }).success).toBe(false);
  });
});
