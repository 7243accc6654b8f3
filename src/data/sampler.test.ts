import { describe, expect, it } from 'vitest';
import { batchAt, batchesPerEpoch, distributedSlice, epochBatches, epochPermutation, sliceBounds } from './sampler.js';

describe('epoch order', () => {
  it('is a permutation fixed by (seed, epoch)', () => {
    const p = epochPermutation(100, 7, 3);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(epochPermutation(100, 7, 3)).toEqual(p);
    expect(epochPermutation(100, 7, 4)).not.toEqual(p);
    expect(epochPermutation(100, 8, 3)).not.toEqual(p);
  });

  it('drops the last partial batch by default, keeps it on request', () => {
    expect(batchesPerEpoch(10, 3)).toBe(3);
    expect(batchesPerEpoch(10, 3, true)).toBe(4);
    const dropped = [...epochBatches(10, 3, { seed: 1, epoch: 0 })];
    expect(dropped.map((b) => b.length)).toEqual([3, 3, 3]);
    const kept = [...epochBatches(10, 3, { seed: 1, epoch: 0, keepPartial: true })];
    expect(kept.map((b) => b.length)).toEqual([3, 3, 3, 1]);
    expect(kept.flatMap((b) => Array.from(b))).toEqual(Array.from(epochPermutation(10, 1, 0)));
  });

  it('resumes mid-epoch with the same batches', () => {
    const all = [...epochBatches(50, 8, { seed: 9, epoch: 2 })];
    const resumed = [...epochBatches(50, 8, { seed: 9, epoch: 2, startStep: 4 })];
    expect(resumed).toEqual(all.slice(4));
    expect(batchAt(epochPermutation(50, 9, 2), 8, 4)).toEqual(all[4]);
    expect(() => batchAt(epochPermutation(50, 9, 2), 8, 6)).toThrow('batch step 6 is out of range: the epoch has 6 batches of 8');
    expect(() => batchesPerEpoch(50, 0)).toThrow('batch size must be a positive integer, got 0');
  });
});

describe('distributed slices', () => {
  it('are contiguous, disjoint and cover the global batch', () => {
    const global = Int32Array.from({ length: 10 }, (_, i) => 100 + i);
    const parts = [0, 1, 2].map((r) => Array.from(distributedSlice(global, r, 3)));
    expect(parts).toEqual([[100, 101, 102], [103, 104, 105], [106, 107, 108, 109]]);
    expect(sliceBounds(12, 3, 4)).toEqual([9, 12]);
  });

  it('refuses a rank outside the world', () => {
    expect(() => sliceBounds(8, 4, 4)).toThrow('rank 4 is out of range for world size 4');
    expect(() => sliceBounds(8, 0, 0)).toThrow('world size must be a positive integer, got 0');
  });
});
