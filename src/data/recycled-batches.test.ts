import { describe, expect, it } from 'vitest';
import { ArrayDataset } from './array-dataset.js';
import type { Dataset } from './dataset.js';
import { ImageDataset } from './image-dataset.js';
import { RecycledBatches } from './recycled-batches.js';
import { subsetDataset } from './subset.js';
import { makeTextDatasets } from './text.js';

const images = new ImageDataset({
  name: 'tiny',
  pixels: Uint8Array.from({ length: 12 * 9 }, (_, i) => (i * 29) & 255),
  labels: Int32Array.from({ length: 12 }, (_, i) => i % 3),
  height: 3,
  width: 3,
  channels: 1,
  numClasses: 3,
});
const regression = new ArrayDataset({
  name: 'rows',
  inputShape: [2],
  inputs: Float32Array.from({ length: 20 }, (_, i) => i / 4),
  targets: Float32Array.from({ length: 10 }, (_, i) => i * 1.5),
  numClasses: 0,
});
const text = makeTextDatasets('the quick brown fox jumps over the lazy dog, again and again', { context: 4 }).train;

const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => Array.from(a).join() === Array.from(b).join();

describe.each<[string, Dataset]>([
  ['images', images],
  ['a subset of images', subsetDataset(images, [11, 3, 5, 7, 0, 2])],
  ['float rows', regression],
  ['text windows', text],
])('Dataset.batch(indices, reuse) on %s', (_, data) => {
  it('overwrites the arrays of a batch of the same size, with what a fresh batch holds', () => {
    const first = data.batch([0, 1, 2]);
    const again = data.batch([2, 0, 1], first);
    expect(again.inputs).toBe(first.inputs);
    expect(again.targets).toBe(first.targets);
    const fresh = data.batch([2, 0, 1]);
    expect(same(again.inputs, fresh.inputs)).toBe(true);
    expect(same(again.targets, fresh.targets)).toBe(true);
  });

  it('allocates new arrays for a batch of another size, leaving the old one as it was', () => {
    const first = data.batch([0, 1, 2]);
    const before = Array.from(first.inputs);
    const other = data.batch([1, 2], first);
    expect(other.inputs).not.toBe(first.inputs);
    expect(other.size).toBe(2);
    expect(Array.from(first.inputs)).toEqual(before);
  });
});

describe('RecycledBatches', () => {
  it('keeps one set of arrays per batch size, so a loop of full and last partial batches allocates two', () => {
    const batches = new RecycledBatches(images);
    const a = batches.next([0, 1, 2, 3, 4]);
    const tail = batches.next([10, 11]);
    const b = batches.next([5, 6, 7, 8, 9]);
    expect(b.inputs).toBe(a.inputs);
    expect(batches.next([2, 3]).inputs).toBe(tail.inputs);
    expect(same(b.targets, images.batch([5, 6, 7, 8, 9]).targets)).toBe(true);
  });
});
