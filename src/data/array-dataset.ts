/** A dataset held as typed arrays in memory: one row of inputs and one target per sample. */
import { LoomError } from '../util/errors.js';
import type { Batch, Dataset } from './dataset.js';
import { checkIndices } from './indices.js';
import { arrayFor } from './recycled-batches.js';

export interface ArrayDatasetInit {
  readonly name: string;
  readonly inputShape: readonly number[];
  /** `size x prod(inputShape)` values, row-major. */
  readonly inputs: Float32Array | Int32Array;
  /** One class id (Int32Array) or one regression target (Float32Array) per sample. */
  readonly targets: Int32Array | Float32Array;
  /** Number of classes; 0 for regression. */
  readonly numClasses: number;
}

export class ArrayDataset implements Dataset {
  readonly name: string;
  readonly size: number;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly labels: Int32Array | undefined;
  readonly inputs: Float32Array | Int32Array;
  readonly targets: Int32Array | Float32Array;
  private readonly rowLength: number;

  constructor(init: ArrayDatasetInit) {
    this.rowLength = init.inputShape.reduce((a, b) => a * b, 1);
    if (init.inputs.length !== init.targets.length * this.rowLength) {
      throw new LoomError(
        `dataset ${init.name}: ${init.inputs.length} input values do not hold ${init.targets.length} rows of ${this.rowLength}`,
      );
    }
    this.name = init.name;
    this.size = init.targets.length;
    this.inputShape = [...init.inputShape];
    this.numClasses = init.numClasses;
    this.inputs = init.inputs;
    this.targets = init.targets;
    this.labels = init.targets instanceof Int32Array ? init.targets : undefined;
  }

  batch(indices: ArrayLike<number>, reuse?: Batch): Batch {
    checkIndices(indices, this.size, this.name);
    const n = indices.length;
    const len = this.rowLength;
    const inputs = this.inputs instanceof Float32Array ? arrayFor(Float32Array, n * len, reuse?.inputs) : arrayFor(Int32Array, n * len, reuse?.inputs);
    const targets = this.targets instanceof Int32Array ? arrayFor(Int32Array, n, reuse?.targets) : arrayFor(Float32Array, n, reuse?.targets);
    for (let b = 0; b < n; b++) {
      const i = indices[b];
      inputs.set(this.inputs.subarray(i * len, (i + 1) * len), b * len);
      targets[b] = this.targets[i];
    }
    return { inputs, targets, size: n };
  }
}
