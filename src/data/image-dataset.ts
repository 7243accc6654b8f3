/**
 * Images kept as uint8 pixels and scaled to float32 in [0, 1] only when a batch is built: the
 * full Fashion-MNIST train set is 47 MB as bytes and would be 188 MB as float32. With the native
 * addon a batch is gathered and scaled in C++ (~4 ns a pixel in JavaScript, over 1 ms a training
 * step for a batch of 128 on a loaded machine).
 */
import { nativeKernels } from '../native/index.js';
import { LoomError } from '../util/errors.js';
import type { Batch, Dataset } from './dataset.js';
import { checkIndices } from './indices.js';
import { arrayFor } from './recycled-batches.js';

/** PIXEL_SCALE[p] = p / 255 rounded to float32 (the bits the native kernel writes too), without a division per pixel. */
const PIXEL_SCALE = Float32Array.from({ length: 256 }, (_, p) => p / 255);

export interface ImageDatasetInit {
  readonly name: string;
  /** `size x height x width x channels` bytes, row-major (NHWC). */
  readonly pixels: Uint8Array;
  readonly labels: Int32Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly numClasses: number;
  readonly classNames?: readonly string[];
}

export class ImageDataset implements Dataset {
  readonly name: string;
  readonly size: number;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly labels: Int32Array;
  readonly classNames: readonly string[] | undefined;
  readonly pixels: Uint8Array;
  private readonly sampleLength: number;

  constructor(init: ImageDatasetInit) {
    this.sampleLength = init.height * init.width * init.channels;
    if (init.pixels.length !== init.labels.length * this.sampleLength) {
      throw new LoomError(
        `image dataset ${init.name}: ${init.pixels.length} pixel bytes do not hold ${init.labels.length} images of ${init.height}x${init.width}x${init.channels}`,
      );
    }
    this.name = init.name;
    this.size = init.labels.length;
    this.inputShape = [init.height, init.width, init.channels];
    this.numClasses = init.numClasses;
    this.labels = init.labels;
    this.classNames = init.classNames;
    this.pixels = init.pixels;
  }

  batch(indices: ArrayLike<number>, reuse?: Batch): Batch {
    checkIndices(indices, this.size, this.name);
    const n = indices.length;
    const len = this.sampleLength;
    const inputs = arrayFor(Float32Array, n * len, reuse?.inputs);
    const targets = arrayFor(Int32Array, n, reuse?.targets);
    for (let b = 0; b < n; b++) targets[b] = this.labels[indices[b]];
    const native = nativeKernels();
    if (native && indices instanceof Int32Array) {
      native.gatherScaledBytes(this.pixels, len, indices, inputs);
      return { inputs, targets, size: n };
    }
    const pixels = this.pixels;
    for (let b = 0; b < n; b++) {
      const image = pixels.subarray(indices[b] * len, (indices[b] + 1) * len);
      const dst = b * len;
      for (let k = 0; k < len; k++) inputs[dst + k] = PIXEL_SCALE[image[k]];
    }
    return { inputs, targets, size: n };
  }
}
