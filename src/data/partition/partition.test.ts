/** One contract suite run over every partitioner, then each partitioner's own behaviour. */
import { describe, expect, it } from 'vitest';
import { LoomError } from '../../util/errors.js';
import { partitionDirichlet, partitionIid, partitionQuantitySkew, partitionShards, clientLabelCounts, type Partition } from './index.js';

const NUM_CLASSES = 10;
// 5000 samples, 500 per class, in a scrambled order so that label and index are unrelated.
const labels = Int32Array.from({ length: 5000 }, (_, i) => (i * 7) % NUM_CLASSES);

const partitioners: Record<string, (seed: number) => Partition> = {
  iid: (seed) => partitionIid({ numSamples: labels.length, numClients: 7, seed }),
  dirichlet: (seed) => partitionDirichlet({ labels, numClients: 20, alpha: 0.3, seed }),
  'dirichlet balanced, minSize': (seed) =>
    partitionDirichlet({ labels, numClients: 20, alpha: 0.3, seed, balance: true, minSize: 10 }),
  shards: (seed) => partitionShards({ labels, numClients: 30, shardsPerClient: 3, seed }),
  'quantity skew, dirichlet': (seed) =>
    partitionQuantitySkew({ numSamples: labels.length, numClients: 15, distribution: { kind: 'dirichlet', beta: 0.5 }, seed }),
  'quantity skew, power law': (seed) =>
    partitionQuantitySkew({ numSamples: labels.length, numClients: 15, distribution: { kind: 'power-law', exponent: 1.2 }, seed }),
};

describe.each(Object.entries(partitioners))('partitioner contract: %s', (_, partition) => {
  it('covers every index exactly once, ascending within each client', () => {
    const seen = new Int32Array(labels.length);
    for (const client of partition(1)) {
      for (let j = 0; j < client.length; j++) {
        seen[client[j]]++;
        if (j > 0) expect(client[j]).toBeGreaterThan(client[j - 1]);
      }
    }
    expect(seen.every((n) => n === 1)).toBe(true);
  });

  it('is deterministic by seed', () => {
    expect(partition(5)).toEqual(partition(5));
    expect(partition(5)).not.toEqual(partition(6));
  });
});

function meanTopClassShare(partition: Partition): number {
  const shares = clientLabelCounts(partition, labels, NUM_CLASSES)
    .filter((counts) => counts.some((n) => n > 0))
    .map((counts) => Math.max(...counts) / counts.reduce((a, b) => a + b, 0));
  return shares.reduce((a, b) => a + b, 0) / shares.length;
}

describe('IID', () => {
  it('gives near-equal sizes and near-uniform labels', () => {
    const parts = partitionIid({ numSamples: 5000, numClients: 7, seed: 0 });
    expect(parts.map((p) => p.length).sort()).toEqual([714, 714, 714, 714, 714, 715, 715]);
    expect(meanTopClassShare(parts)).toBeLessThan(0.15);
  });

  it('refuses more clients than samples', () => {
    expect(() => partitionIid({ numSamples: 10, numClients: 11, seed: 0 })).toThrow(
      new LoomError('numClients 11 exceeds the 10 samples to partition'),
    );
    expect(() => partitionIid({ numSamples: 10, numClients: 0, seed: 0 })).toThrow('numClients must be a positive integer, got 0');
  });
});

describe('Dirichlet label skew', () => {
  it('small alpha concentrates each client on few classes; large alpha approaches IID', () => {
    const skewed = meanTopClassShare(partitionDirichlet({ labels, numClients: 20, alpha: 0.05, seed: 0 }));
    const mild = meanTopClassShare(partitionDirichlet({ labels, numClients: 20, alpha: 1000, seed: 0 }));
    expect(skewed).toBeGreaterThan(0.6);
    expect(mild).toBeLessThan(0.15);
  });

  it('minSize redraws until every client has enough samples', () => {
    const parts = partitionDirichlet({ labels, numClients: 20, alpha: 0.5, seed: 2, minSize: 50 });
    expect(Math.min(...parts.map((p) => p.length))).toBeGreaterThanOrEqual(50);
    expect(() => partitionDirichlet({ labels, numClients: 50, alpha: 0.01, seed: 2, minSize: 90, maxDraws: 5 })).toThrow(
      /^Dirichlet partition: no draw in 5 gave each of 50 clients at least minSize 90 samples \(alpha 0\.01\)/,
    );
  });

  it('refuses a non-positive alpha, naming it', () => {
    expect(() => partitionDirichlet({ labels, numClients: 4, alpha: 0, seed: 0 })).toThrow('alpha must be a positive number, got 0');
    expect(() => partitionDirichlet({ labels, numClients: 4, alpha: -1, seed: 0 })).toThrow(LoomError);
    expect(() => partitionDirichlet({ labels: [0, 1, 1.5], numClients: 2, alpha: 1, seed: 0 })).toThrow(
      'label 1.5 at index 2 is not a class id',
    );
  });
});

describe('shards (McMahan et al.)', () => {
  it('gives every client k shards, hence at most k classes when shards do not straddle classes', () => {
    // 500 per class / 50 per shard: every shard lies inside one class.
    const parts = partitionShards({ labels, numClients: 50, shardsPerClient: 2, seed: 0 });
    expect(parts.every((p) => p.length === 100)).toBe(true);
    for (const counts of clientLabelCounts(parts, labels, NUM_CLASSES)) {
      expect(counts.filter((n) => n > 0).length).toBeLessThanOrEqual(2);
    }
  });

  it('spreads a remainder so that shard sizes differ by at most one', () => {
    const parts = partitionShards({ labels: labels.subarray(0, 103), numClients: 5, shardsPerClient: 2, seed: 0 });
    const sizes = parts.map((p) => p.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(103);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(2);
  });

  it('refuses more shards than samples', () => {
    expect(() => partitionShards({ labels: labels.subarray(0, 100), numClients: 40, shardsPerClient: 3, seed: 0 })).toThrow(
      'cannot cut 100 samples into 120 shards (numClients 40 x shardsPerClient 3)',
    );
    expect(() => partitionShards({ labels, numClients: 4, shardsPerClient: 0, seed: 0 })).toThrow(
      'shardsPerClient must be a positive integer, got 0',
    );
  });
});

describe('quantity skew', () => {
  it('Dirichlet sizes are uneven but every client gets minSize', () => {
    const parts = partitionQuantitySkew({
      numSamples: 5000,
      numClients: 20,
      distribution: { kind: 'dirichlet', beta: 0.3 },
      seed: 1,
      minSize: 5,
    });
    const sizes = parts.map((p) => p.length);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...sizes)).toBeGreaterThan(5 * (5000 / 20));
  });

  it('power-law sizes follow rank^-exponent', () => {
    const parts = partitionQuantitySkew({ numSamples: 10000, numClients: 4, distribution: { kind: 'power-law', exponent: 1 }, seed: 3, minSize: 0 });
    const sizes = parts.map((p) => p.length).sort((a, b) => b - a);
    const total = 1 + 1 / 2 + 1 / 3 + 1 / 4;
    expect(sizes).toEqual([1, 2, 3, 4].map((r) => Math.round(10000 / r / total)));
  });

  it('keeps labels IID within a client', () => {
    const parts = partitionQuantitySkew({ numSamples: 5000, numClients: 5, distribution: { kind: 'power-law', exponent: 0.5 }, seed: 0 });
    expect(meanTopClassShare(parts)).toBeLessThan(0.2);
  });

  it('refuses a non-positive beta and an impossible minSize', () => {
    expect(() =>
      partitionQuantitySkew({ numSamples: 100, numClients: 5, distribution: { kind: 'dirichlet', beta: 0 }, seed: 0 }),
    ).toThrow('beta must be a positive number, got 0');
    expect(() =>
      partitionQuantitySkew({ numSamples: 100, numClients: 5, distribution: { kind: 'dirichlet', beta: 1 }, seed: 0, minSize: 30 }),
    ).toThrow('minSize 30 x 5 clients exceeds the 100 samples');
  });
});
