/**
 * The data seam. A Dataset hands out batches by sample index, so samplers and partitioners
 * (which only deal in indices) work the same for images, synthetic data and text.
 */

/** A batch in the flat layout models consume. */
export interface Batch {
  /** Row-major inputs: `size x prod(inputShape)`; float32 features, or int32 token ids for text. */
  readonly inputs: Float32Array | Int32Array;
  /**
   * Targets: one class id per sample (classification), one id per position for sequence models
   * (`size x context`), or one float per sample for regression datasets.
   */
  readonly targets: Int32Array | Float32Array;
  /** Number of samples in the batch. */
  readonly size: number;
}

export interface Dataset {
  readonly name: string;
  readonly size: number;
  /** Shape of one sample's input, e.g. [28, 28, 1] for images (NHWC) or [context] for text. */
  readonly inputShape: readonly number[];
  /** Number of classes (vocabulary size for text); 0 for regression. */
  readonly numClasses: number;
  /** Class id of every sample, for partitioners; absent where samples have no single label. */
  readonly labels?: Int32Array;
  /**
   * Copies the samples at `indices` into a batch: into `reuse`'s arrays when they have the type
   * and length needed (a batch of this dataset that nothing reads any more), else into new ones.
   */
  batch(indices: ArrayLike<number>, reuse?: Batch): Batch;
}

/** A train/test pair as loaded from one source. */
export interface DatasetSplit {
  readonly train: Dataset;
  readonly test: Dataset;
}
