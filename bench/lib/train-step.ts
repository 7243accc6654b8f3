/**
 * Loom's training step as the benchmarks time it: the model's loss and gradient on one fixed batch,
 * then the optimizer's update, as `loom train` does every step (src/train/trainer.ts: the
 * gradient, then optimizer.step), without the run's batch assembly, metrics and event-loop yields.
 * A PyTorch peer times the same thing (one fixed batch, zero_grad, forward, backward, step).
 */
import type { Batch } from '../../src/data/index.js';
import type { Model } from '../../src/nn/index.js';
import { createOptimizer, type OptimizerSpec } from '../../src/optim/index.js';
import { Rng } from '../../src/util/rng.js';

export interface TrainStep {
  readonly batchSize: number;
  /** Runs one step and returns its loss. */
  step(): number;
}

export interface StepTiming {
  readonly steps: number;
  readonly msPerStep: number;
  /** batch x steps / seconds. */
  readonly samplesPerSec: number;
  /** Loss of the last step. */
  readonly loss: number;
}

/** A step of `model` on `batch` with the optimizer of `spec` (laid out over the model's segments, as `loom train` does). */
export function trainStep(model: Model, batch: Batch, spec: OptimizerSpec, lr: number): TrainStep {
  const grad = new Float32Array(model.params.length);
  const optimizer = createOptimizer(spec, { length: model.params.length, segments: model.segments });
  return {
    batchSize: batch.size,
    step() {
      const loss = model.lossAndGrad(batch, grad);
      optimizer.step(model.params, grad, lr);
      return loss;
    },
  };
}

/** A batch of standard-normal images of `inputShape` with uniform labels (seeded). */
export function randomImageBatch(batchSize: number, inputShape: readonly number[], numClasses: number, seed = 0): Batch {
  const rng = new Rng(seed);
  const perSample = inputShape.reduce((a, b) => a * b, 1);
  return {
    inputs: Float32Array.from({ length: batchSize * perSample }, () => rng.normal()),
    targets: Int32Array.from({ length: batchSize }, () => rng.int(numClasses)),
    size: batchSize,
  };
}

/** `warmup` untimed steps, then `steps` timed ones. */
export function timeSteps(s: TrainStep, warmup: number, steps: number): StepTiming {
  let loss = Number.NaN;
  for (let i = 0; i < warmup; i++) loss = s.step();
  const start = performance.now();
  for (let i = 0; i < steps; i++) loss = s.step();
  return timing(s, steps, performance.now() - start, loss);
}

/** `warmup` untimed steps, then as many timed steps as start within `seconds`. */
export function timeSeconds(s: TrainStep, warmup: number, seconds: number): StepTiming {
  let loss = Number.NaN;
  for (let i = 0; i < warmup; i++) loss = s.step();
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    loss = s.step();
    steps++;
  }
  return timing(s, steps, performance.now() - start, loss);
}

function timing(s: TrainStep, steps: number, ms: number, loss: number): StepTiming {
  return { steps, msPerStep: ms / steps, samplesPerSec: (steps * s.batchSize * 1000) / ms, loss };
}
