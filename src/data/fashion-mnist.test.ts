import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEBIAN_FASHION_MNIST_DIR,
  FASHION_MNIST_CLASS_NAMES,
  FASHION_MNIST_FILES,
  loadFashionMnist,
  loadFashionMnistSubset,
} from './fashion-mnist.js';
import type { Dataset } from './dataset.js';
import { readIdx } from './idx.js';
import { makeFashionMnistSubset } from './make-subset.js';
import { shippedDataPath } from './shipped-data.js';

const fullPresent = existsSync(DEBIAN_FASHION_MNIST_DIR);
const SKIP_NOTE = `needs ${DEBIAN_FASHION_MNIST_DIR} (Debian package dataset-fashion-mnist)`;
if (!fullPresent) console.warn(`SKIPPING full Fashion-MNIST tests: ${SKIP_NOTE} is not installed`);

const tmp = mkdtempSync(join(tmpdir(), 'loom-fmnist-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function classCounts(ds: Dataset): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const l of ds.labels!) counts[l]++;
  return counts;
}

describe('Fashion-MNIST, full dataset', () => {
  it.skipIf(!fullPresent)(`loads 60000/10000 official images [${SKIP_NOTE}]`, () => {
    const { train, test } = loadFashionMnist();
    expect([train.size, test.size]).toEqual([60000, 10000]);
    expect(train.inputShape).toEqual([28, 28, 1]);
    expect(train.numClasses).toBe(10);
    expect(classCounts(train)).toEqual(new Array(10).fill(6000));
    expect(classCounts(test)).toEqual(new Array(10).fill(1000));
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    expect(Array.from(test.labels.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    const batch = train.batch([0, 59999]);
    expect(batch.inputs).toBeInstanceOf(Float32Array);
    expect(batch.inputs.length).toBe(2 * 784);
    expect(Math.max(...batch.inputs)).toBe(1);
    expect(Math.min(...batch.inputs)).toBe(0);
    expect(Array.from(batch.targets)).toEqual([9, train.labels[59999]]);
  });

  it.skipIf(!fullPresent)(`limitTrain/limitTest keep the first images [${SKIP_NOTE}]`, () => {
    const { train, test } = loadFashionMnist({ limitTrain: 100, limitTest: 30 });
    expect([train.size, test.size]).toEqual([100, 30]);
    expect(() => loadFashionMnist({ limitTrain: 60001 })).toThrow(/^limitTrain 60001 exceeds the 60000 images in /);
  });

  it.skipIf(!fullPresent)(`the shipped subset is what make-subset.ts selects from it [${SKIP_NOTE}]`, () => {
    const out = join(tmp, 'regenerated');
    const chosen = makeFashionMnistSubset({ outDir: out });
    expect([chosen.train.length, chosen.test.length]).toEqual([6000, 1000]);
    const shipped = shippedDataPath('fashion-mnist-subset');
    for (const name of Object.values(FASHION_MNIST_FILES)) {
      const a = readIdx(join(out, `${name}.gz`));
      const b = readIdx(join(shipped, `${name}.gz`));
      expect(a.shape).toEqual(b.shape);
      expect(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).equals(
        Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength),
      )).toBe(true);
    }
  });
});

describe('Fashion-MNIST, shipped subset', () => {
  const { train, test } = loadFashionMnistSubset();

  it('has 6000 train and 1000 test images, 600 and 100 per class', () => {
    expect([train.size, test.size]).toEqual([6000, 1000]);
    expect(classCounts(train)).toEqual(new Array(10).fill(600));
    expect(classCounts(test)).toEqual(new Array(10).fill(100));
    expect(train.name).toBe('fashion-mnist-subset/train');
    expect(train.classNames).toBe(FASHION_MNIST_CLASS_NAMES);
  });

  it('gives float32 NHWC images in [0, 1] and int32 labels', () => {
    const batch = test.batch([3, 1, 3]);
    expect(test.inputShape).toEqual([28, 28, 1]);
    expect(batch.size).toBe(3);
    expect(batch.inputs).toBeInstanceOf(Float32Array);
    expect(batch.targets).toBeInstanceOf(Int32Array);
    expect(Array.from(batch.inputs.subarray(0, 784))).toEqual(Array.from(test.pixels.subarray(3 * 784, 4 * 784), (p) => Math.fround(p / 255)));
    expect(Array.from(batch.inputs.subarray(1568))).toEqual(Array.from(batch.inputs.subarray(0, 784)));
    expect(Array.from(batch.targets)).toEqual([test.labels[3], test.labels[1], test.labels[3]]);
  });

  it('refuses an out-of-range index', () => {
    expect(() => test.batch([1000])).toThrow('sample index 1000 is out of range for dataset fashion-mnist-subset/test of size 1000');
  });
});

describe('Fashion-MNIST directories', () => {
  it('reads a directory of uncompressed files', () => {
    const raw = join(tmp, 'raw');
    mkdirSync(raw);
    const shipped = shippedDataPath('fashion-mnist-subset');
    for (const name of Object.values(FASHION_MNIST_FILES)) {
      writeFileSync(join(raw, name), gunzipSync(readFileSync(join(shipped, `${name}.gz`))));
    }
    const fromRaw = loadFashionMnist({ dir: raw });
    const fromGz = loadFashionMnistSubset();
    expect(fromRaw.train.size).toBe(6000);
    expect(Array.from(fromRaw.test.labels)).toEqual(Array.from(fromGz.test.labels));
    expect(fromRaw.train.pixels.every((p, i) => p === fromGz.train.pixels[i])).toBe(true);
  });

  it('names a missing directory', () => {
    expect(() => loadFashionMnist({ dir: '/no/such/dir' })).toThrow('Fashion-MNIST directory not found: /no/such/dir');
  });

  it('names a missing file', () => {
    const partial = join(tmp, 'partial');
    mkdirSync(partial);
    expect(() => loadFashionMnist({ dir: partial })).toThrow(
      `missing Fashion-MNIST file ${join(partial, 'train-images-idx3-ubyte')}.gz (or without .gz)`,
    );
  });

  it('refuses a bad limit', () => {
    expect(() => loadFashionMnist({ dir: shippedDataPath('fashion-mnist-subset'), limitTest: 2.5 })).toThrow(
      'limitTest must be a positive integer, got 2.5',
    );
  });
});
