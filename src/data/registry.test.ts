import { describe, expect, it } from 'vitest';
import { loadDataset, type DatasetSpec } from './registry.js';

describe('loadDataset', () => {
  it('loads the shipped Fashion-MNIST subset', () => {
    const { train, test } = loadDataset({ name: 'fashion-mnist-subset' });
    expect([train.size, test.size, train.numClasses]).toEqual([6000, 1000, 10]);
  });

  it('makes synthetic data', () => {
    const blobs = loadDataset({ name: 'blobs', classes: 3, dims: 4, trainSize: 30, testSize: 9, seed: 1 });
    expect([blobs.train.size, blobs.test.size, blobs.train.numClasses]).toEqual([30, 9, 3]);
    const linear = loadDataset({ name: 'linear', dims: 4, trainSize: 30, testSize: 9 });
    expect(linear.train.numClasses).toBe(0);
  });

  it('loads the shipped text with its vocabulary; test is the validation split', () => {
    const split = loadDataset({ name: 'text', context: 64 });
    expect(split.train.inputShape).toEqual([64]);
    expect(split.test.name).toBe('moby-dick/validation');
    expect(split.vocabulary.size).toBe(split.train.numClasses);
    expect(split.train.vocabulary).toBe(split.vocabulary);
    expect(JSON.parse(JSON.stringify(split.train.vocabulary)).kind).toBe('chars');
  });

  it('names an unknown dataset and a missing directory', () => {
    expect(() => loadDataset({ name: 'cifar' } as unknown as DatasetSpec)).toThrow(
      'unknown dataset "cifar"; known: fashion-mnist, fashion-mnist-subset, blobs, linear, text',
    );
    expect(() => loadDataset({ name: 'fashion-mnist', dir: '/nope' })).toThrow('Fashion-MNIST directory not found: /nope');
  });
});
