/**
 * The step primitives every training strategy composes (DESIGN.md, "The strategy seam"): the seeded
 * global batch of a step, a weighted gradient over some of its samples (optionally accumulated
 * over micro-batches), the learning rate of a step, evaluation sums over a slice of the test set,
 * and the checkpoint of a rank's state. It owns no loop: a strategy decides who computes what,
 * when, and what travels between ranks.
 *
 * Every step's global batch depends only on (seed, epoch) and the schedule only on the step, so
 * any strategy that draws its samples from `batch(step)` is resumable exactly.
 */
import type { Batch, Dataset } from '../data/dataset.js';
import { epochPermutation, RecycledBatches, sliceBounds } from '../data/index.js';
import type { Model } from '../nn/model.js';
import type { EvalSums } from '../nn/model.js';
import type { Optimizer } from '../optim/optimizer.js';
import { LoomError } from '../util/errors.js';
import { saveCheckpoint, type Checkpoint, type RankState } from './checkpoint.js';
import { evaluationSums } from './evaluate.js';
import type { MetricsStream, StepRecord } from './metrics.js';

export interface CheckpointPolicy {
  readonly path: string;
  /** Also write every N steps (it is always written at the end). */
  readonly every?: number;
  /** The run's config, stored so `loom eval` and `--resume` can rebuild the run. */
  readonly config: unknown;
  readonly extra?: Readonly<Record<string, unknown>>;
  /** Where the checkpoint goes (default: written atomically to `path`); e.g. shipped to a coordinator. */
  readonly write?: (checkpoint: Checkpoint) => void | Promise<void>;
}

export interface StepKitOptions {
  readonly model: Model;
  readonly optimizer: Optimizer;
  /** Learning rate as a function of the (0-based) step. */
  readonly schedule: (step: number) => number;
  readonly train: Dataset;
  readonly test?: Dataset;
  /** The global batch: summed over all ranks and accumulation micro-batches. */
  readonly batchSize: number;
  readonly totalSteps: number;
  readonly seed: number;
  /** Evaluate every N steps (default: once per epoch) and at the end. */
  readonly evalEvery?: number;
  readonly evalBatchSize: number;
  readonly evalLimit?: number;
  readonly logEvery: number;
  /** Receives the lead rank's records (other ranks publish nothing). */
  readonly metrics: MetricsStream;
  readonly checkpoint?: CheckpointPolicy;
  /** Steps already done (when resuming). */
  readonly startStep?: number;
  /**
   * End the run here, before totalSteps, as if it were stopped (the schedule still spans
   * totalSteps): a tuning trial trained up to its budget and paused, to be resumed later.
   */
  readonly stopAtStep?: number;
  /** Split each gradient's samples into this many micro-batches and sum their gradients (default 1). */
  readonly accumulationSteps?: number;
}

export function stepsPerEpoch(trainSize: number, batchSize: number): number {
  const steps = Math.floor(trainSize / batchSize);
  if (steps < 1) throw new LoomError(`train.batchSize ${batchSize} is larger than the training set (${trainSize} samples)`);
  return steps;
}

export class StepKit {
  readonly model: Model;
  readonly optimizer: Optimizer;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  readonly startStep: number;
  /** The step this run ends at (stopAtStep, or totalSteps). */
  readonly stopAt: number;
  readonly evalEvery: number;
  readonly accumulation: number;
  private readonly trainBatches: RecycledBatches;
  private microGrad: Float32Array | null = null;
  private permutation: Int32Array | null = null;
  private permutationEpoch = -1;

  constructor(readonly opts: StepKitOptions) {
    this.model = opts.model;
    this.optimizer = opts.optimizer;
    this.accumulation = opts.accumulationSteps ?? 1;
    if (!Number.isInteger(this.accumulation) || this.accumulation < 1) {
      throw new LoomError(`train.accumulationSteps must be a positive integer, got ${opts.accumulationSteps}`);
    }
    this.stepsPerEpoch = stepsPerEpoch(opts.train.size, opts.batchSize);
    this.totalSteps = opts.totalSteps;
    this.startStep = opts.startStep ?? 0;
    this.stopAt = Math.min(opts.stopAtStep ?? opts.totalSteps, opts.totalSteps);
    this.evalEvery = opts.evalEvery ?? this.stepsPerEpoch;
    this.trainBatches = new RecycledBatches(opts.train);
  }

  get batchSize(): number {
    return this.opts.batchSize;
  }

  get metrics(): MetricsStream {
    return this.opts.metrics;
  }

  /** The seeded global batch of `step` (sample indices; a view valid until the next epoch's call). */
  batch(step: number): Int32Array {
    const epoch = Math.floor(step / this.stepsPerEpoch);
    if (epoch !== this.permutationEpoch) {
      this.permutation = epochPermutation(this.opts.train.size, this.opts.seed, epoch);
      this.permutationEpoch = epoch;
    }
    const offset = (step % this.stepsPerEpoch) * this.opts.batchSize;
    return this.permutation!.subarray(offset, offset + this.opts.batchSize);
  }

  /** Part `part` of `parts` of a step's samples (a rank's contiguous share of the global batch). */
  static slice(samples: Int32Array, part: number, parts: number): Int32Array {
    const [from, to] = sliceBounds(samples.length, part, parts);
    return samples.subarray(from, to);
  }

  /**
   * Writes `weight` x the mean gradient over `samples` into `into` and returns `weight` x their
   * mean loss. A rank's share of a global batch of T samples has weight samples.length / T, so
   * the shares sum to the global mean. `prepare` changes what is computed on (a Byzantine
   * worker's relabelled targets). `onLayerReady(l)`: layer l's part of `into` is final (during the
   * backward pass; with accumulation, every layer at the end).
   */
  gradient(samples: Int32Array, into: Float32Array, weight: number, prepare?: (batch: Batch) => Batch, onLayerReady?: (layer: number) => void): number {
    const { model } = this;
    const batchOf = (indices: Int32Array): Batch => {
      const batch = this.trainBatches.next(indices);
      return prepare ? prepare(batch) : batch;
    };
    if (this.accumulation === 1) {
      const loss = model.lossAndGrad(batchOf(samples), into, weight, onLayerReady);
      return weight === 1 ? loss : loss * weight;
    }
    if (samples.length < this.accumulation) {
      throw new LoomError(`train.accumulationSteps ${this.accumulation} is more than the ${samples.length} samples of a gradient: some micro-batches would be empty`);
    }
    if (this.microGrad?.length !== into.length) this.microGrad = new Float32Array(into.length);
    const micro = this.microGrad;
    into.fill(0);
    let loss = 0;
    const total = samples.length / weight;
    for (let m = 0; m < this.accumulation; m++) {
      const part = StepKit.slice(samples, m, this.accumulation);
      const partWeight = part.length / total;
      loss += model.lossAndGrad(batchOf(part), micro) * partWeight;
      addScaled(into, micro, partWeight);
    }
    if (onLayerReady) for (let l = model.layers.length - 1; l >= 0; l--) if (model.layers[l]!.params > 0) onLayerReady(l);
    return loss;
  }

  lr(step: number): number {
    return this.opts.schedule(step);
  }

  /** Whether the step record of `step` (just completed) is written down: every logEvery steps and the last. */
  logsAt(step: number): boolean {
    return step % this.opts.logEvery === 0 || step === this.totalSteps;
  }

  /** Publishes the lead rank's record of a completed step (its epoch derived from the step). */
  publishStep(record: Omit<StepRecord, 'type' | 'epoch'>, persist: boolean): void {
    this.opts.metrics.publish({ type: 'step', epoch: record.step / this.stepsPerEpoch, ...record }, persist);
  }

  /** Whether `step` (just completed) is one the run evaluates at. */
  evaluatesAt(step: number): boolean {
    return this.opts.test !== undefined && (step % this.evalEvery === 0 || step === this.totalSteps);
  }

  get hasTest(): boolean {
    return this.opts.test !== undefined;
  }

  /** Evaluation sums of the current parameters over part `part` of `parts` of the evaluated test samples. */
  evalSums(part = 0, parts = 1): EvalSums {
    const { test, evalBatchSize, evalLimit } = this.opts;
    if (!test) return { lossSum: 0, correct: 0, count: 0 };
    const total = Math.min(evalLimit ?? test.size, test.size);
    const [from, to] = sliceBounds(total, part, parts);
    return evaluationSums(this.model, test, evalBatchSize, from, to);
  }

  /** Whether a periodic checkpoint is due after `step` (the final one is written regardless). */
  checkpointDue(step: number): boolean {
    const every = this.opts.checkpoint?.every;
    return every !== undefined && step % every === 0 && step !== this.totalSteps;
  }

  /** Writes the checkpoint of `params` and `optimizer` state at `step` (the model's and this kit's optimizer by default). */
  async saveCheckpoint(step: number, state: RankState & { ranks?: readonly RankState[] } = this.ownState()): Promise<void> {
    const policy = this.opts.checkpoint;
    if (!policy) return;
    const checkpoint: Checkpoint = {
      config: policy.config,
      step,
      params: state.params,
      optimizer: state.optimizer,
      ...(policy.extra ? { extra: policy.extra } : {}),
      ...(state.ranks ? { ranks: state.ranks } : {}),
    };
    if (policy.write) await policy.write(checkpoint);
    else saveCheckpoint(policy.path, checkpoint);
    this.opts.metrics.publish({ type: 'checkpoint', step, path: policy.path });
  }

  get checkpoints(): boolean {
    return this.opts.checkpoint !== undefined;
  }

  /** This rank's parameters and optimizer state (live views of the parameters; copies of the buffers). */
  ownState(): RankState {
    const state = this.optimizer.state();
    return { params: this.model.params, optimizer: { kind: this.optimizer.kind, step: state.step, buffers: state.buffers } };
  }
}

export function addScaled(into: Float32Array, values: Float32Array, factor: number): void {
  for (let i = 0; i < into.length; i++) into[i] += values[i]! * factor;
}

/** Lets timers, signals and progress output run between synchronous compute steps. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
