/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, Zalando Research, MIT license): 28x28 grayscale
 * images of 10 clothing classes, 60,000 train and 10,000 test, in four IDX files.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LoomError, showValue } from '../util/errors.js';
import type { DatasetSplit } from './dataset.js';
import { ImageDataset } from './image-dataset.js';
import { readIdx } from './idx.js';
import { shippedDataPath } from './shipped-data.js';
import { shareImagePart, sharedImagePart, type ImagePart } from './thread-shared.js';

export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** File names without the optional `.gz`. */
export const FASHION_MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

const SIDE = 28;

export interface FashionMnistOptions {
  /** Directory holding the four IDX files (`.gz` or not). Default: DEBIAN_FASHION_MNIST_DIR. */
  readonly dir?: string;
  /** Keep only the first N training images (the official order, which is already shuffled). */
  readonly limitTrain?: number;
  /** Keep only the first N test images. */
  readonly limitTest?: number;
}

export interface LoadOptions {
  /** Also hand the decoded images to the worker threads this thread starts from now on (data/thread-shared.ts). */
  readonly shareWithThreads?: boolean;
}

/** Loads Fashion-MNIST from a directory of IDX files; images are float32 in [0, 1], NHWC [28, 28, 1]. */
export function loadFashionMnist(options: FashionMnistOptions = {}, loading: LoadOptions = {}): FashionMnistSplit {
  const dir = options.dir ?? DEBIAN_FASHION_MNIST_DIR;
  if (!existsSync(dir)) {
    const hint =
      options.dir === undefined
        ? ` (install Debian's dataset-fashion-mnist, pass a dir, or use the shipped 'fashion-mnist-subset')`
        : '';
    throw new LoomError(`Fashion-MNIST directory not found: ${dir}${hint}`);
  }
  if (!statSync(dir).isDirectory()) throw new LoomError(`Fashion-MNIST path is not a directory: ${dir}`);
  return loadSplit(dir, 'fashion-mnist', options, loading.shareWithThreads === true);
}

/** The real class-balanced subset shipped in `data/fashion-mnist-subset` (6,000 train, 1,000 test). */
export function loadFashionMnistSubset(loading: LoadOptions = {}): FashionMnistSplit {
  return loadSplit(shippedDataPath(FASHION_MNIST_SUBSET_DIR_NAME), 'fashion-mnist-subset', {}, loading.shareWithThreads === true);
}

/** Folder name of the shipped subset under the package's `data/`. */
export const FASHION_MNIST_SUBSET_DIR_NAME = 'fashion-mnist-subset';

export interface FashionMnistSplit extends DatasetSplit {
  readonly train: ImageDataset;
  readonly test: ImageDataset;
}

function loadSplit(dir: string, name: string, options: FashionMnistOptions, share: boolean): FashionMnistSplit {
  const files = FASHION_MNIST_FILES;
  return {
    train: loadPart(dir, `${name}/train`, files.trainImages, files.trainLabels, limitOf('limitTrain', options.limitTrain), share),
    test: loadPart(dir, `${name}/test`, files.testImages, files.testLabels, limitOf('limitTest', options.limitTest), share),
  };
}

/** `name.gz` if present, else `name`; a LoomError naming both when neither exists. */
export function findIdxFile(dir: string, name: string): string {
  for (const candidate of [join(dir, `${name}.gz`), join(dir, name)]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new LoomError(`missing Fashion-MNIST file ${join(dir, name)}.gz (or without .gz)`);
}

function loadPart(dir: string, name: string, imagesName: string, labelsName: string, limit: Limit | undefined, share: boolean): ImageDataset {
  const imagesPath = findIdxFile(dir, imagesName);
  const labelsPath = findIdxFile(dir, labelsName);
  const key = `${resolve(imagesPath)}\n${resolve(labelsPath)}\n${limit?.value ?? 'all'}`;
  const shared = sharedImagePart(key);
  if (shared) return imageDataset(name, shared);
  const part = decodePart(imagesPath, labelsPath, limit);
  return imageDataset(name, share ? shareImagePart(key, part) : part);
}

function imageDataset(name: string, part: ImagePart): ImageDataset {
  return new ImageDataset({
    name,
    ...part,
    height: SIDE,
    width: SIDE,
    channels: 1,
    numClasses: FASHION_MNIST_CLASS_NAMES.length,
    classNames: FASHION_MNIST_CLASS_NAMES,
  });
}

function decodePart(imagesPath: string, labelsPath: string, limit: Limit | undefined): ImagePart {
  const images = readIdx(imagesPath);
  const labels = readIdx(labelsPath);
  const [count, height, width] = images.shape;
  if (images.dtype !== 'uint8' || images.shape.length !== 3 || height !== SIDE || width !== SIDE) {
    throw new LoomError(`${imagesPath} is not Fashion-MNIST images: ${images.dtype} ${images.shape.join('x')}, expected uint8 Nx28x28`);
  }
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new LoomError(`${labelsPath} is not Fashion-MNIST labels: ${labels.dtype} ${labels.shape.join('x')}, expected uint8 N`);
  }
  if (labels.shape[0] !== count) {
    throw new LoomError(`${imagesPath} holds ${count} images but ${labelsPath} holds ${labels.shape[0]} labels`);
  }
  if (limit !== undefined && limit.value > count) {
    throw new LoomError(`${limit.key} ${limit.value} exceeds the ${count} images in ${imagesPath}`);
  }
  const n = limit?.value ?? count;
  const labelIds = Int32Array.from(labels.data.subarray(0, n));
  const bad = labelIds.findIndex((l) => l >= FASHION_MNIST_CLASS_NAMES.length);
  if (bad >= 0) throw new LoomError(`${labelsPath}: label ${labelIds[bad]} at index ${bad} is not a class id 0-9`);
  return {
    // A limited split copies its images so the full decompressed file can be freed.
    pixels: n < count ? (images.data as Uint8Array).slice(0, n * SIDE * SIDE) : (images.data as Uint8Array),
    labels: labelIds,
  };
}

interface Limit {
  readonly key: string;
  readonly value: number;
}

function limitOf(key: string, value: number | undefined): Limit | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1) throw new LoomError(`${key} must be a positive integer, got ${showValue(value)}`);
  return { key, value };
}
