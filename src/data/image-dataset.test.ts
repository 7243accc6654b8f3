import { describe, expect, it } from 'vitest';
import { nativeKernels } from '../native/index.js';
import { ImageDataset } from './image-dataset.js';

function dataset(images: number, side: number): ImageDataset {
  const len = side * side;
  // Every byte value appears, at positions that differ from image to image.
  const pixels = Uint8Array.from({ length: images * len }, (_, i) => (i * 37 + (i >> 5)) & 255);
  const labels = Int32Array.from({ length: images }, (_, i) => i % 10);
  return new ImageDataset({ name: 'tiny', pixels, labels, height: side, width: side, channels: 1, numClasses: 10 });
}

describe('ImageDataset.batch', () => {
  const data = dataset(40, 5);

  it('scales the chosen images to p / 255 in float32, in index order, with their labels', () => {
    const indices = Int32Array.of(7, 0, 39, 7);
    const batch = data.batch(indices);
    expect(batch.size).toBe(4);
    expect(Array.from(batch.targets)).toEqual([7, 0, 9, 7]);
    for (let b = 0; b < 4; b++) {
      for (let k = 0; k < 25; k++) expect(batch.inputs[b * 25 + k]).toBe(Math.fround(data.pixels[indices[b] * 25 + k] / 255));
    }
  });

  it('gives the same bits from an Int32Array (native where built) as from a plain array (JavaScript)', () => {
    const order = Array.from({ length: 40 }, (_, i) => (i * 13) % 40);
    const viaTyped = data.batch(Int32Array.from(order));
    const viaArray = data.batch(order);
    expect(Buffer.compare(Buffer.from(viaTyped.inputs.buffer), Buffer.from(viaArray.inputs.buffer))).toBe(0);
    expect(Array.from(viaTyped.targets)).toEqual(Array.from(viaArray.targets));
  });

  it('refuses an index outside the dataset, naming it', () => {
    expect(() => data.batch(Int32Array.of(3, 40))).toThrow('sample index 40 is out of range for dataset tiny of size 40');
    expect(() => data.batch([-1])).toThrow('sample index -1 is out of range');
  });
});

const native = nativeKernels();
describe.skipIf(native === null)('native gatherScaledBytes', () => {
  it('writes Math.fround(p / 255) for every byte value', () => {
    const pixels = Uint8Array.from({ length: 256 }, (_, p) => p);
    const out = new Float32Array(256);
    native?.gatherScaledBytes(pixels, 256, Int32Array.of(0), out);
    expect(Array.from(out)).toEqual(Array.from(pixels, (p) => Math.fround(p / 255)));
  });

  it('checks every index and the output length, naming the value', () => {
    const pixels = new Uint8Array(12);
    expect(() => native?.gatherScaledBytes(pixels, 4, Int32Array.of(0, 3), new Float32Array(8))).toThrow(
      'gatherScaledBytes: index 3 at position 1 is outside the 3 samples',
    );
    expect(() => native?.gatherScaledBytes(pixels, 4, Int32Array.of(0), new Float32Array(5))).toThrow(
      'gatherScaledBytes: out has 5 elements, but 1 indices x sampleLength 4 = 4',
    );
    expect(() => native?.gatherScaledBytes(pixels, 4, Int32Array.of(-1), new Float32Array(4))).toThrow('index -1 at position 0');
  });
});
