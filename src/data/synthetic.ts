/**
 * Synthetic datasets with a known answer: Gaussian blobs (classification) and a noisy linear
 * model (regression). Train and test share the generating parameters but not the samples.
 */
import { LoomError, showValue } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { ArrayDataset } from './array-dataset.js';
import type { DatasetSplit } from './dataset.js';

export interface BlobsOptions {
  readonly classes: number;
  readonly dims: number;
  readonly trainSize: number;
  readonly testSize: number;
  /** Distance of every class centre from the origin, in within-class standard deviations (default 3). */
  readonly separation?: number;
  readonly seed?: number;
}

export interface BlobsSplit extends DatasetSplit {
  readonly train: ArrayDataset;
  readonly test: ArrayDataset;
  /** Class centres, `classes x dims`. */
  readonly centres: Float32Array;
}

/**
 * Gaussian blobs: class k's centre is `separation` times a random unit vector; a sample of class k
 * is its centre plus N(0, I) noise. Labels cycle through the classes (balanced) in shuffled order.
 */
export function makeBlobs(options: BlobsOptions): BlobsSplit {
  const { classes, dims, trainSize, testSize } = options;
  const separation = options.separation ?? 3;
  const seed = options.seed ?? 0;
  checkInt('classes', classes, 2);
  checkInt('dims', dims, 1);
  checkInt('trainSize', trainSize, 1);
  checkInt('testSize', testSize, 1);
  if (!(separation > 0) || !Number.isFinite(separation)) {
    throw new LoomError(`blobs separation must be a positive number, got ${showValue(separation)}`);
  }
  const centres = new Float32Array(classes * dims);
  const centreRng = Rng.derive(seed, 0);
  for (let k = 0; k < classes; k++) {
    const row = centres.subarray(k * dims, (k + 1) * dims);
    let norm = 0;
    while (norm === 0) {
      let sumSq = 0;
      for (let d = 0; d < dims; d++) {
        row[d] = centreRng.normal();
        sumSq += row[d] * row[d];
      }
      norm = Math.sqrt(sumSq);
    }
    for (let d = 0; d < dims; d++) row[d] *= separation / norm;
  }
  const part = (name: string, size: number, stream: number): ArrayDataset => {
    const rng = Rng.derive(seed, stream);
    const labels = new Int32Array(size);
    for (let i = 0; i < size; i++) labels[i] = i % classes;
    rng.shuffle(labels);
    const inputs = new Float32Array(size * dims);
    for (let i = 0; i < size; i++) {
      const c = labels[i] * dims;
      for (let d = 0; d < dims; d++) inputs[i * dims + d] = centres[c + d] + rng.normal();
    }
    return new ArrayDataset({ name: `blobs/${name}`, inputShape: [dims], inputs, targets: labels, numClasses: classes });
  };
  return { train: part('train', trainSize, 1), test: part('test', testSize, 2), centres };
}

export interface LinearRegressionOptions {
  readonly dims: number;
  readonly trainSize: number;
  readonly testSize: number;
  /** Standard deviation of the additive Gaussian noise on the targets (default 0.1). */
  readonly noise?: number;
  readonly seed?: number;
}

export interface LinearRegressionSplit extends DatasetSplit {
  readonly train: ArrayDataset;
  readonly test: ArrayDataset;
  /** The true weights and bias the targets were generated from. */
  readonly weights: Float32Array;
  readonly bias: number;
}

/** Linear regression: x ~ N(0, I), y = w.x + b + noise * N(0, 1), with w ~ N(0, I/dims), b ~ N(0, 1). */
export function makeLinearRegression(options: LinearRegressionOptions): LinearRegressionSplit {
  const { dims, trainSize, testSize } = options;
  const noise = options.noise ?? 0.1;
  const seed = options.seed ?? 0;
  checkInt('dims', dims, 1);
  checkInt('trainSize', trainSize, 1);
  checkInt('testSize', testSize, 1);
  if (!(noise >= 0) || !Number.isFinite(noise)) {
    throw new LoomError(`linear noise must be a non-negative number, got ${showValue(noise)}`);
  }
  const paramRng = Rng.derive(seed, 0);
  const weights = new Float32Array(dims);
  for (let d = 0; d < dims; d++) weights[d] = paramRng.normal() / Math.sqrt(dims);
  const bias = paramRng.normal();
  const part = (name: string, size: number, stream: number): ArrayDataset => {
    const rng = Rng.derive(seed, stream);
    const inputs = new Float32Array(size * dims);
    const targets = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      let y = bias;
      for (let d = 0; d < dims; d++) {
        const x = rng.normal();
        inputs[i * dims + d] = x;
        y += weights[d] * x;
      }
      targets[i] = y + noise * rng.normal();
    }
    return new ArrayDataset({ name: `linear/${name}`, inputShape: [dims], inputs, targets, numClasses: 0 });
  };
  return { train: part('train', trainSize, 1), test: part('test', testSize, 2), weights, bias };
}

function checkInt(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new LoomError(`${name} must be an integer >= ${min}, got ${showValue(value)}`);
  }
}
