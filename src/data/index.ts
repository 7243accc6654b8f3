/** Public surface of data/: datasets, loaders, partitioners and batching. */
export type { Batch, Dataset, DatasetSplit } from './dataset.js';
export { ArrayDataset, type ArrayDatasetInit } from './array-dataset.js';
export { RecycledBatches } from './recycled-batches.js';
export { withoutHoldOut } from './hold-out.js';
export { ImageDataset, type ImageDatasetInit } from './image-dataset.js';
export {
  readIdx,
  decodeIdx,
  parseIdx,
  encodeIdx,
  writeIdx,
  isGzip,
  type IdxArray,
  type IdxData,
  type IdxDtype,
  type WriteIdxOptions,
} from './idx.js';
export {
  loadFashionMnist,
  loadFashionMnistSubset,
  findIdxFile,
  FASHION_MNIST_CLASS_NAMES,
  FASHION_MNIST_FILES,
  FASHION_MNIST_SUBSET_DIR_NAME,
  DEBIAN_FASHION_MNIST_DIR,
  type FashionMnistOptions,
  type LoadOptions,
  type FashionMnistSplit,
} from './fashion-mnist.js';
export {
  makeBlobs,
  makeLinearRegression,
  type BlobsOptions,
  type BlobsSplit,
  type LinearRegressionOptions,
  type LinearRegressionSplit,
} from './synthetic.js';
export { Vocabulary, type VocabularyJSON } from './vocabulary.js';
export {
  TextDataset,
  makeTextDatasets,
  loadText,
  loadShippedText,
  SHIPPED_TEXT_FILE,
  type TextDatasetOptions,
  type TextDatasetSplit,
} from './text.js';
export { SHIPPED_DATA_DIR, shippedDataPath } from './shipped-data.js';
export {
  epochPermutation,
  epochBatches,
  batchesPerEpoch,
  batchAt,
  sliceBounds,
  distributedSlice,
  type EpochBatchOptions,
} from './sampler.js';
export { subsetDataset } from './subset.js';
export { unigramCrossEntropy } from './unigram.js';
export * from './partition/index.js';
export {
  loadDataset,
  sampleShape,
  DATASET_NAMES,
  type DatasetSpec,
  type FashionMnistSpec,
  type FashionMnistSubsetSpec,
  type BlobsSpec,
  type LinearSpec,
  type TextSpec,
} from './registry.js';
