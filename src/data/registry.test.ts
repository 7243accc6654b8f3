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

  it('holds out training samples as the evaluation set: the same ones every time, none of them trained on', () => {
    const whole = loadDataset({ name: 'blobs', classes: 3, dims: 2, trainSize: 50, testSize: 9, seed: 4 });
    const held = loadDataset({ name: 'blobs', classes: 3, dims: 2, trainSize: 50, testSize: 9, seed: 4, holdOut: 10 });
    expect([held.train.size, held.test.size]).toEqual([40, 10]);
    const rows = (batch: { inputs: ArrayLike<number> }): string[] => Array.from({ length: batch.inputs.length / 2 }, (_, i) => `${batch.inputs[2 * i]},${batch.inputs[2 * i + 1]}`);
    const all = (d: { size: number; batch(i: ArrayLike<number>): { inputs: ArrayLike<number> } }): string[] => rows(d.batch(Int32Array.from({ length: d.size }, (_, i) => i)));
    const trained = new Set(all(held.train));
    const evaluated = all(held.test);
    expect(evaluated.some((r) => trained.has(r))).toBe(false);
    expect(new Set([...trained, ...evaluated])).toEqual(new Set(all(whole.train)));
    expect(all(loadDataset({ name: 'blobs', classes: 3, dims: 2, trainSize: 50, testSize: 9, seed: 4, holdOut: 10 }).test)).toEqual(evaluated);
    expect(() => loadDataset({ name: 'fashion-mnist-subset', holdOut: 6000 })).toThrow('data.holdOut must be an integer in [1, 5999] (the training set has 6000 samples); got 6000');
  });

  it('names an unknown dataset and a missing directory', () => {
    expect(() => loadDataset({ name: 'cifar' } as unknown as DatasetSpec)).toThrow(
      'unknown dataset "cifar"; known: fashion-mnist, fashion-mnist-subset, blobs, linear, text',
    );
    expect(() => loadDataset({ name: 'fashion-mnist', dir: '/nope' })).toThrow('Fashion-MNIST directory not found: /nope');
  });
});
