/**
 * The single-worker training loop: seeded batches, loss and gradient, one optimizer step on the
 * flat buffer, metrics, periodic evaluation and checkpoints. Every step's data order depends only
 * on (seed, epoch), and the schedule only on the step, so a run resumed from a checkpoint repeats
 * the uninterrupted run's loss sequence exactly.
 */
import type { Dataset } from '../data/dataset.js';
import { epochPermutation } from '../data/index.js';
import type { Model } from '../nn/model.js';
import type { Optimizer } from '../optim/optimizer.js';
import { LoomError } from '../util/errors.js';
import { saveCheckpoint } from './checkpoint.js';
import { evaluateModel, type Evaluation } from './evaluate.js';
import type { MetricsStream } from './metrics.js';

export interface CheckpointPolicy {
  readonly path: string;
  /** Also write every N steps (it is always written at the end). */
  readonly every?: number;
  /** The run's config, stored so `loom eval` and `--resume` can rebuild the run. */
  readonly config: unknown;
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface TrainerOptions {
  readonly model: Model;
  readonly optimizer: Optimizer;
  /** Learning rate as a function of the (0-based) step. */
  readonly schedule: (step: number) => number;
  readonly train: Dataset;
  readonly test?: Dataset;
  readonly batchSize: number;
  readonly totalSteps: number;
  readonly seed: number;
  /** Evaluate every N steps (default: once per epoch) and at the end. */
  readonly evalEvery?: number;
  readonly evalBatchSize: number;
  readonly evalLimit?: number;
  readonly logEvery: number;
  readonly metrics: MetricsStream;
  readonly checkpoint?: CheckpointPolicy;
  /** Steps already done (when resuming). */
  readonly startStep?: number;
}

export interface TrainResult {
  readonly steps: number;
  readonly epochs: number;
  readonly finalLoss: number;
  readonly evaluation: Evaluation | null;
  readonly wallSec: number;
  readonly samplesPerSec: number;
  /** True when `stop()` ended the run early. */
  readonly stopped: boolean;
}

export function stepsPerEpoch(trainSize: number, batchSize: number): number {
  const steps = Math.floor(trainSize / batchSize);
  if (steps < 1) throw new LoomError(`train.batchSize ${batchSize} is larger than the training set (${trainSize} samples)`);
  return steps;
}

export class Trainer {
  private stopRequested = false;
  private readonly grad: Float32Array;
  readonly stepsPerEpoch: number;

  constructor(private readonly opts: TrainerOptions) {
    this.grad = new Float32Array(opts.model.params.length);
    this.stepsPerEpoch = stepsPerEpoch(opts.train.size, opts.batchSize);
  }

  /** Asks the loop to finish the current step, checkpoint, and return. */
  stop(): void {
    this.stopRequested = true;
  }

  async run(): Promise<TrainResult> {
    const { model, optimizer, train, batchSize, totalSteps, metrics } = this.opts;
    const evalEvery = this.opts.evalEvery ?? this.stepsPerEpoch;
    const startStep = this.opts.startStep ?? 0;
    const started = performance.now();
    let windowStart = started;
    let windowSamples = 0;
    let lastLoss = Number.NaN;
    let evaluation: Evaluation | null = null;
    let permutation: Int32Array | null = null;
    let permutationEpoch = -1;
    let step = startStep;

    while (step < totalSteps && !this.stopRequested) {
      const epoch = Math.floor(step / this.stepsPerEpoch);
      if (epoch !== permutationEpoch) {
        permutation = epochPermutation(train.size, this.opts.seed, epoch);
        permutationEpoch = epoch;
      }
      const offset = (step % this.stepsPerEpoch) * batchSize;
      const batch = train.batch(permutation!.subarray(offset, offset + batchSize));
      const lr = this.opts.schedule(step);
      lastLoss = model.lossAndGrad(batch, this.grad);
      if (!Number.isFinite(lastLoss)) {
        throw new LoomError(`training diverged at step ${step}: loss is ${lastLoss} (lower optimizer.lr = ${lr}?)`);
      }
      optimizer.step(model.params, this.grad, lr);
      step++;
      windowSamples += batch.size;

      const now = performance.now();
      const elapsedSec = (now - started) / 1000;
      const logged = step % this.opts.logEvery === 0 || step === totalSteps;
      metrics.publish(
        {
          type: 'step',
          step,
          epoch: step / this.stepsPerEpoch,
          loss: lastLoss,
          lr,
          samplesPerSec: (windowSamples * 1000) / Math.max(now - windowStart, 1e-6),
          elapsedSec,
        },
        logged,
      );
      if (logged) {
        windowStart = now;
        windowSamples = 0;
      }
      // A step takes milliseconds; yielding costs microseconds and keeps signals and the progress bar live.
      await yieldToEventLoop();
      if (this.opts.test && (step % evalEvery === 0 || step === totalSteps)) {
        evaluation = this.evaluate(step, started);
        windowStart = performance.now();
      }
      const every = this.opts.checkpoint?.every;
      if (every && step % every === 0 && step !== totalSteps) this.saveCheckpoint(step);
    }
    if (this.opts.test && this.stopRequested && step !== totalSteps) evaluation = this.evaluate(step, started);
    this.saveCheckpoint(step);
    const wallSec = (performance.now() - started) / 1000;
    return {
      steps: step,
      epochs: step / this.stepsPerEpoch,
      finalLoss: lastLoss,
      evaluation,
      wallSec,
      samplesPerSec: ((step - startStep) * batchSize) / Math.max(wallSec, 1e-9),
      stopped: this.stopRequested && step < totalSteps,
    };
  }

  private evaluate(step: number, started: number): Evaluation {
    const { model, test, evalBatchSize, evalLimit, metrics } = this.opts;
    const result = evaluateModel(model, test!, evalBatchSize, evalLimit);
    metrics.publish({
      type: 'eval',
      step,
      epoch: step / this.stepsPerEpoch,
      loss: result.loss,
      accuracy: result.accuracy,
      count: result.count,
      elapsedSec: (performance.now() - started) / 1000,
    });
    return result;
  }

  private saveCheckpoint(step: number): void {
    const policy = this.opts.checkpoint;
    if (!policy) return;
    const state = this.opts.optimizer.state();
    saveCheckpoint(policy.path, {
      config: policy.config,
      step,
      params: this.opts.model.params,
      optimizer: { kind: this.opts.optimizer.kind, step: state.step, buffers: state.buffers },
      ...(policy.extra ? { extra: policy.extra } : {}),
    });
    this.opts.metrics.publish({ type: 'checkpoint', step, path: policy.path });
  }
}

/** Lets timers, signals and progress output run between synchronous compute steps. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
