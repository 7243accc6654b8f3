/** A Dataset view over chosen samples of another (e.g. one federated client's partition). */
import type { Batch, Dataset } from './dataset.js';
import { checkIndices } from './indices.js';

class SubsetDataset implements Dataset {
  readonly name: string;
  readonly size: number;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly labels: Int32Array | undefined;

  constructor(
    readonly parent: Dataset,
    /** Parent index of each sample of the view. */
    readonly indices: Int32Array,
    name: string,
  ) {
    this.name = name;
    this.size = indices.length;
    this.inputShape = parent.inputShape;
    this.numClasses = parent.numClasses;
    const parentLabels = parent.labels;
    this.labels = parentLabels === undefined ? undefined : Int32Array.from(indices, (i) => parentLabels[i]);
  }

  batch(indices: ArrayLike<number>, reuse?: Batch): Batch {
    checkIndices(indices, this.size, this.name);
    return this.parent.batch(Int32Array.from({ length: indices.length }, (_, b) => this.indices[indices[b]]), reuse);
  }
}

/**
 * The samples of `ds` at `indices`, in that order (repeats allowed). A subset of a subset points
 * straight at the original dataset.
 */
export function subsetDataset(ds: Dataset, indices: ArrayLike<number>, name = `${ds.name}[subset]`): Dataset {
  checkIndices(indices, ds.size, ds.name);
  if (ds instanceof SubsetDataset) {
    return new SubsetDataset(ds.parent, Int32Array.from(indices, (i) => ds.indices[i]), name);
  }
  return new SubsetDataset(ds, Int32Array.from(indices), name);
}
