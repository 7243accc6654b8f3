/**
 * Produces the shipped Fashion-MNIST subset (data/fashion-mnist-subset): a seeded, class-balanced
 * selection of real images from the official train and test sets, as gzip IDX files.
 *
 *   npx tsx src/data/make-subset.ts [--source DIR] [--out DIR] [--seed N]
 *   (or, without tsx: npm run build && node dist/data/make-subset.js ...)
 *
 * Rule: for each split and each class k, shuffle that class's indices (ascending in the official
 * file) with Rng.derive(seed, split, k) and keep the first `perClass`; the kept images are
 * written in their official order.
 */
import { join } from 'node:path';
import { LoomError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { DEBIAN_FASHION_MNIST_DIR, FASHION_MNIST_FILES, loadFashionMnist } from './fashion-mnist.js';
import type { ImageDataset } from './image-dataset.js';
import { writeIdx } from './idx.js';
import { flagValue, runIfScript } from './script-entry.js';
import { SHIPPED_DATA_DIR } from './shipped-data.js';

export const SUBSET_SEED = 2017;
export const SUBSET_TRAIN_PER_CLASS = 600;
export const SUBSET_TEST_PER_CLASS = 100;

export interface MakeSubsetOptions {
  readonly sourceDir?: string;
  readonly outDir: string;
  readonly trainPerClass?: number;
  readonly testPerClass?: number;
  readonly seed?: number;
}

/** Indices into `labels` (ascending) of `perClass` seeded picks from each class. */
export function selectBalanced(labels: Int32Array, numClasses: number, perClass: number, seed: number, split: number): Int32Array {
  const chosen: number[] = [];
  for (let k = 0; k < numClasses; k++) {
    const members: number[] = [];
    labels.forEach((label, i) => {
      if (label === k) members.push(i);
    });
    if (members.length < perClass) {
      throw new LoomError(`class ${k} has ${members.length} samples, fewer than the ${perClass} per class asked for`);
    }
    chosen.push(...Rng.derive(seed, split, k).shuffle(members).slice(0, perClass));
  }
  return Int32Array.from(chosen).sort();
}

/** Writes the subset; returns the chosen official indices of each split. */
export function makeFashionMnistSubset(options: MakeSubsetOptions): { train: Int32Array; test: Int32Array } {
  const seed = options.seed ?? SUBSET_SEED;
  const full = loadFashionMnist({ dir: options.sourceDir ?? DEBIAN_FASHION_MNIST_DIR });
  const train = selectBalanced(full.train.labels, 10, options.trainPerClass ?? SUBSET_TRAIN_PER_CLASS, seed, 0);
  const test = selectBalanced(full.test.labels, 10, options.testPerClass ?? SUBSET_TEST_PER_CLASS, seed, 1);
  writeSplit(full.train, train, options.outDir, FASHION_MNIST_FILES.trainImages, FASHION_MNIST_FILES.trainLabels);
  writeSplit(full.test, test, options.outDir, FASHION_MNIST_FILES.testImages, FASHION_MNIST_FILES.testLabels);
  return { train, test };
}

function writeSplit(ds: ImageDataset, chosen: Int32Array, outDir: string, imagesName: string, labelsName: string): void {
  const side = 28 * 28;
  const pixels = new Uint8Array(chosen.length * side);
  const labels = new Uint8Array(chosen.length);
  chosen.forEach((index, j) => {
    pixels.set(ds.pixels.subarray(index * side, (index + 1) * side), j * side);
    labels[j] = ds.labels[index];
  });
  writeIdx(join(outDir, `${imagesName}.gz`), [chosen.length, 28, 28], pixels, { level: 9 });
  writeIdx(join(outDir, `${labelsName}.gz`), [chosen.length], labels, { level: 9 });
}

function main(argv: readonly string[]): void {
  const outDir = flagValue(argv, '--out') ?? join(SHIPPED_DATA_DIR, 'fashion-mnist-subset');
  const seedText = flagValue(argv, '--seed');
  const { train, test } = makeFashionMnistSubset({
    sourceDir: flagValue(argv, '--source'),
    outDir,
    seed: seedText === undefined ? undefined : Number(seedText),
  });
  process.stdout.write(`wrote ${train.length} train and ${test.length} test images to ${outDir}\n`);
}

runIfScript(import.meta.url, 'make-subset', main);
