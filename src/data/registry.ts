/**
 * One entry point from a config's `data` section to a train/test split. The config layer validates
 * the spec's shape (zod); the loaders below check their own arguments again, with LoomErrors,
 * for callers that build specs in code.
 */
import { LoomError, showValue } from '../util/errors.js';
import type { DatasetSplit } from './dataset.js';
import { holdOutSplit } from './hold-out.js';
import { FASHION_MNIST_CLASS_NAMES, loadFashionMnist, loadFashionMnistSubset, type FashionMnistOptions, type LoadOptions } from './fashion-mnist.js';
import { makeBlobs, makeLinearRegression, type BlobsOptions, type LinearRegressionOptions } from './synthetic.js';
import { loadShippedText, loadText, makeTextDatasets, type TextDatasetOptions, type TextDatasetSplit } from './text.js';

/** Training samples held out as the evaluation set (holdOutSplit), in place of the test set. */
export interface HoldOutOption {
  readonly holdOut?: number;
}

/** Each spec is its loader's options plus the dataset `name` (the config's discriminator). */
export interface FashionMnistSpec extends FashionMnistOptions, HoldOutOption {
  readonly name: 'fashion-mnist';
}
export interface FashionMnistSubsetSpec extends HoldOutOption {
  readonly name: 'fashion-mnist-subset';
}
export interface BlobsSpec extends BlobsOptions, HoldOutOption {
  readonly name: 'blobs';
}
export interface LinearSpec extends LinearRegressionOptions, HoldOutOption {
  readonly name: 'linear';
}
/** The splits' dataset name (`moby-dick` or `text`) is set by `loadDataset`. */
export interface TextSpec extends Omit<TextDatasetOptions, 'name'> {
  readonly name: 'text';
  /** A .txt or .txt.gz file; default: the shipped Moby-Dick chapters. */
  readonly path?: string;
}

export type DatasetSpec = FashionMnistSpec | FashionMnistSubsetSpec | BlobsSpec | LinearSpec | TextSpec;

export const DATASET_NAMES: readonly DatasetSpec['name'][] = [
  'fashion-mnist',
  'fashion-mnist-subset',
  'blobs',
  'linear',
  'text',
];

/**
 * One sample's input shape and the class count a spec implies, without reading any data (to build
 * a model before the data is loaded, e.g. to check options against its tensors). Text's
 * vocabulary is only known once the text is read: 2 stands in for its class count.
 */
export function sampleShape(spec: DatasetSpec): { inputShape: number[]; numClasses: number } {
  switch (spec.name) {
    case 'fashion-mnist':
    case 'fashion-mnist-subset':
      return { inputShape: [28, 28, 1], numClasses: FASHION_MNIST_CLASS_NAMES.length };
    case 'blobs':
      return { inputShape: [spec.dims], numClasses: spec.classes };
    case 'linear':
      return { inputShape: [spec.dims], numClasses: 0 };
    case 'text':
      return { inputShape: [spec.context], numClasses: 2 };
  }
}

/**
 * Loads the dataset a spec names. For text, `test` is the validation split and both carry
 * `vocabulary`. `loading.shareWithThreads`: the decoded Fashion-MNIST files (or the shipped subset)
 * also go to the worker threads started from here on (the other datasets are generated or small,
 * and each thread makes its own).
 */
export function loadDataset(spec: TextSpec, loading?: LoadOptions): TextDatasetSplit;
export function loadDataset(spec: DatasetSpec, loading?: LoadOptions): DatasetSplit;
export function loadDataset(spec: DatasetSpec, loading: LoadOptions = {}): DatasetSplit {
  if (spec.name !== 'text' && spec.holdOut !== undefined) return holdOutSplit(loadWhole(spec, loading), spec.holdOut);
  return loadWhole(spec, loading);
}

function loadWhole(spec: DatasetSpec, loading: LoadOptions): DatasetSplit {
  switch (spec.name) {
    case 'fashion-mnist':
      return loadFashionMnist(spec, loading);
    case 'fashion-mnist-subset':
      return loadFashionMnistSubset(loading);
    case 'blobs':
      return makeBlobs(spec);
    case 'linear':
      return makeLinearRegression(spec);
    case 'text': {
      const text = spec.path === undefined ? loadShippedText() : loadText(spec.path);
      const name = spec.path === undefined ? 'moby-dick' : 'text';
      return makeTextDatasets(text, { ...spec, name });
    }
    default:
      throw new LoomError(
        `unknown dataset ${showValue((spec as { name?: unknown }).name)}; known: ${DATASET_NAMES.join(', ')}`,
      );
  }
}
