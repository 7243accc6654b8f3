import { describe, expect, it } from 'vitest';
import { ArrayDataset } from './array-dataset.js';
import { subsetDataset } from './subset.js';

const base = new ArrayDataset({
  name: 'toy',
  inputShape: [2],
  inputs: Float32Array.from({ length: 20 }, (_, i) => i),
  targets: Int32Array.from({ length: 10 }, (_, i) => i % 3),
  numClasses: 3,
});

describe('subsetDataset', () => {
  it('is a view over the chosen samples, labels included', () => {
    const sub = subsetDataset(base, [7, 2, 9]);
    expect(sub.size).toBe(3);
    expect(sub.inputShape).toEqual([2]);
    expect(Array.from(sub.labels!)).toEqual([1, 2, 0]);
    const batch = sub.batch([2, 0]);
    expect(Array.from(batch.inputs)).toEqual([18, 19, 14, 15]);
    expect(Array.from(batch.targets)).toEqual([0, 1]);
  });

  it('composes and checks indices against its own size', () => {
    const sub = subsetDataset(subsetDataset(base, [7, 2, 9]), [2, 1], 'client-0');
    expect(sub.name).toBe('client-0');
    expect(Array.from(sub.batch([0, 1]).inputs)).toEqual([18, 19, 4, 5]);
    expect(() => sub.batch([2])).toThrow('sample index 2 is out of range for dataset client-0 of size 2');
    expect(() => subsetDataset(base, [10])).toThrow('sample index 10 is out of range for dataset toy of size 10');
  });
});
