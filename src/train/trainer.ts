/**
 * The training loop of one worker, alone or as one rank of a synchronous data-parallel group:
 * seeded global batches, this rank's slice of each, loss and gradient (optionally accumulated over
 * micro-batches), a sum over the group, one optimizer step on the flat buffer, metrics, periodic
 * evaluation and checkpoints.
 *
 * Every step's global batch depends only on (seed, epoch), the schedule only on the step, and the
 * gradient each rank applies is the mean over the whole global batch (each rank's part weighted by
 * its share), so N workers follow the single-worker trajectory up to float rounding, and a run
 * resumed from a checkpoint repeats the uninterrupted run's loss sequence exactly.
 */
import type { Batch, Dataset } from '../data/dataset.js';
import { epochPermutation, RecycledBatches, sliceBounds } from '../data/index.js';
import type { Model } from '../nn/model.js';
import type { Optimizer } from '../optim/optimizer.js';
import { LoomError } from '../util/errors.js';
import { saveCheckpoint, type Checkpoint } from './checkpoint.js';
import { evaluationOf, evaluationSums, type Evaluation } from './evaluate.js';
import type { MetricsStream, StepTiming } from './metrics.js';
import { soloGroup, type WorkerGroup } from './worker-group.js';

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

export interface TrainerOptions {
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
  /** Receives rank 0's records (other ranks publish nothing). */
  readonly metrics: MetricsStream;
  /** Written by rank 0 only. */
  readonly checkpoint?: CheckpointPolicy;
  /** Steps already done (when resuming). */
  readonly startStep?: number;
  /**
   * End the run here, before totalSteps, as if it were stopped (the schedule still spans
   * totalSteps): a tuning trial trained up to its budget and paused, to be resumed later.
   */
  readonly stopAtStep?: number;
  /** The data-parallel group this worker belongs to (default: alone). */
  readonly group?: WorkerGroup;
  /** Split this rank's slice into this many micro-batches and sum their gradients (default 1). */
  readonly accumulationSteps?: number;
}

/** Totals of one rank over the run (seconds on the group's clock). */
export interface RunTiming extends Omit<StepTiming, 'workers'> {
  readonly rank: number;
  readonly workers: number;
  readonly steps: number;
}

export interface TrainResult {
  readonly steps: number;
  readonly epochs: number;
  readonly finalLoss: number;
  readonly evaluation: Evaluation | null;
  readonly wallSec: number;
  /** Global samples per second (simulated in virtual mode). */
  readonly samplesPerSec: number;
  /** True when `stop()` (or, in a group, any rank's) ended the run before its last step (stopAtStep's or the end). */
  readonly stopped: boolean;
  readonly timing: RunTiming;
}

export function stepsPerEpoch(trainSize: number, batchSize: number): number {
  const steps = Math.floor(trainSize / batchSize);
  if (steps < 1) throw new LoomError(`train.batchSize ${batchSize} is larger than the training set (${trainSize} samples)`);
  return steps;
}

/** Slots summed with the gradient: each rank's compute seconds, the weighted loss, and a stop vote. */
const LOSS_SLOT = 0;
const STOP_SLOT = 1;
const COMPUTE_SLOTS = 2;

export class Trainer {
  private stopRequested = false;
  private readonly grad: Float32Array;
  private readonly microGrad: Float32Array | null;
  private readonly scalars: Float32Array;
  private readonly group: WorkerGroup;
  private readonly accumulation: number;
  private readonly trainBatches: RecycledBatches;
  readonly stepsPerEpoch: number;

  constructor(private readonly opts: TrainerOptions) {
    this.group = opts.group ?? soloGroup();
    this.accumulation = opts.accumulationSteps ?? 1;
    const parts = this.group.size * this.accumulation;
    if (!Number.isInteger(this.accumulation) || this.accumulation < 1) {
      throw new LoomError(`train.accumulationSteps must be a positive integer, got ${opts.accumulationSteps}`);
    }
    if (opts.batchSize < parts) {
      throw new LoomError(
        `train.batchSize ${opts.batchSize} is smaller than workers x accumulation steps (${this.group.size} x ${this.accumulation} = ${parts}): some micro-batches would be empty`,
      );
    }
    this.grad = new Float32Array(opts.model.params.length);
    this.microGrad = this.accumulation > 1 ? new Float32Array(opts.model.params.length) : null;
    this.scalars = new Float32Array(COMPUTE_SLOTS + this.group.size);
    this.stepsPerEpoch = stepsPerEpoch(opts.train.size, opts.batchSize);
    this.trainBatches = new RecycledBatches(opts.train);
  }

  /** Asks the loop to finish the current step, checkpoint, and return (every rank stops at the same step). */
  stop(): void {
    this.stopRequested = true;
  }

  async run(): Promise<TrainResult> {
    const { model, optimizer, train, batchSize, totalSteps, metrics } = this.opts;
    const group = this.group;
    const lead = group.rank === 0;
    const evalEvery = this.opts.evalEvery ?? this.stepsPerEpoch;
    const startStep = this.opts.startStep ?? 0;
    const wallStarted = performance.now();
    const started = group.now();
    const totals = { computeSec: 0, commSec: 0, waitSec: 0 };
    let windowStart = started;
    let windowSamples = 0;
    let lastLoss = Number.NaN;
    let evaluation: Evaluation | null = null;
    let permutation: Int32Array | null = null;
    let permutationEpoch = -1;
    let step = startStep;
    let evaluatedAt = -1;
    // A group stops at the step whose sum carried a stop vote; a lone worker stops at once.
    let stopAgreed = false;
    if (lead) {
      metrics.publish({
        type: 'start',
        step: startStep,
        totalSteps,
        workers: group.size,
        model: model.kind,
        params: model.params.length,
        trainSize: train.size,
        testSize: this.opts.test?.size ?? 0,
      });
    }
    const stopAt = Math.min(this.opts.stopAtStep ?? totalSteps, totalSteps);
    const stopping = (): boolean => stopAgreed || (group.size === 1 && this.stopRequested) || step >= stopAt;

    while (step < totalSteps && !stopping()) {
      const epoch = Math.floor(step / this.stepsPerEpoch);
      if (epoch !== permutationEpoch) {
        permutation = epochPermutation(train.size, this.opts.seed, epoch);
        permutationEpoch = epoch;
      }
      const offset = (step % this.stepsPerEpoch) * batchSize;
      const globalBatch = permutation!.subarray(offset, offset + batchSize);
      const lr = this.opts.schedule(step);
      const trafficBefore = group.traffic();

      const local = group.localSamples?.(step, globalBatch) ?? sliceOf(globalBatch, group);
      const computeStarted = performance.now();
      const localLoss = this.localGradient(local, globalBatch.length);
      const computeSec = group.computed((performance.now() - computeStarted) / 1000, local.length);

      const scalars = this.scalars;
      scalars.fill(0);
      scalars[LOSS_SLOT] = localLoss;
      scalars[STOP_SLOT] = this.stopRequested ? 1 : 0;
      scalars[COMPUTE_SLOTS + group.rank] = computeSec;
      const syncStarted = group.now();
      await group.sumGradients(this.grad, scalars);
      const syncSec = group.now() - syncStarted;
      lastLoss = group.size === 1 ? localLoss : scalars[LOSS_SLOT];
      stopAgreed = scalars[STOP_SLOT] > 0;
      if (!Number.isFinite(lastLoss)) {
        throw new LoomError(`training diverged at step ${step}: loss is ${lastLoss} (lower optimizer.lr = ${lr}?)`);
      }
      optimizer.step(model.params, this.grad, lr);
      step++;
      windowSamples += globalBatch.length;

      const slowest = Math.max(...scalars.subarray(COMPUTE_SLOTS));
      const waitSec = Math.max(0, Math.min(syncSec, slowest - computeSec));
      const commSec = Math.max(0, syncSec - waitSec);
      totals.computeSec += computeSec;
      totals.waitSec += waitSec;
      totals.commSec += commSec;

      const now = group.now();
      const logged = step % this.opts.logEvery === 0 || step === totalSteps;
      if (lead) {
        const trafficAfter = group.traffic();
        const timing: StepTiming = {
          workers: group.size,
          computeSec,
          commSec,
          waitSec,
          bytesSent: trafficAfter.bytesSent - trafficBefore.bytesSent,
          bytesReceived: trafficAfter.bytesReceived - trafficBefore.bytesReceived,
          simulated: group.simulated,
        };
        metrics.publish(
          {
            type: 'step',
            step,
            epoch: step / this.stepsPerEpoch,
            loss: lastLoss,
            lr,
            samplesPerSec: windowSamples / Math.max(now - windowStart, 1e-9),
            elapsedSec: now - started,
            ...(group.size > 1 || group.simulated ? { timing } : {}),
          },
          logged,
        );
      }
      if (logged) {
        windowStart = now;
        windowSamples = 0;
      }
      // A step takes milliseconds; yielding costs microseconds and keeps signals, heartbeats and the progress bar live.
      await yieldToEventLoop();
      if (this.opts.test && (step % evalEvery === 0 || step === totalSteps)) {
        evaluation = await this.evaluate(step, started);
        evaluatedAt = step;
        windowStart = group.now(); // evaluation is not training time
        windowSamples = 0;
      }
      const every = this.opts.checkpoint?.every;
      if (every && step % every === 0 && step !== totalSteps) await this.saveCheckpoint(step);
    }
    if (this.opts.test && step !== totalSteps && evaluatedAt !== step) evaluation = await this.evaluate(step, started);
    await this.saveCheckpoint(step);
    const elapsed = group.now() - started;
    const traffic = group.traffic();
    return {
      steps: step,
      epochs: step / this.stepsPerEpoch,
      finalLoss: lastLoss,
      evaluation,
      wallSec: (performance.now() - wallStarted) / 1000,
      samplesPerSec: ((step - startStep) * batchSize) / Math.max(elapsed, 1e-9),
      stopped: step < stopAt,
      timing: { rank: group.rank, workers: group.size, steps: step - startStep, ...totals, ...traffic, simulated: group.simulated },
    };
  }

  /**
   * Writes into `this.grad` this rank's share (`local`, of a global batch of `total` samples) of
   * the global batch's mean gradient and returns its share of the mean loss. Alone and without
   * accumulation that is plain `lossAndGrad`.
   */
  private localGradient(local: Int32Array, total: number): number {
    const { model } = this.opts;
    if (!this.microGrad) {
      const loss = model.lossAndGrad(this.batch(local), this.grad, local.length / total);
      return local.length === total ? loss : (loss * local.length) / total;
    }
    this.grad.fill(0);
    let loss = 0;
    for (let micro = 0; micro < this.accumulation; micro++) {
      const [a, b] = sliceBounds(local.length, micro, this.accumulation);
      const part = local.subarray(a, b);
      const weight = part.length / total;
      loss += model.lossAndGrad(this.batch(part), this.microGrad) * weight;
      addScaled(this.grad, this.microGrad, weight);
    }
    return loss;
  }

  private batch(indices: Int32Array): Batch {
    const batch = this.trainBatches.next(indices);
    return this.group.prepareBatch ? this.group.prepareBatch(batch) : batch;
  }

  /** Each rank evaluates its slice of the test samples; the sums are added over the group. */
  private async evaluate(step: number, started: number): Promise<Evaluation> {
    const { model, test, evalBatchSize, evalLimit, metrics } = this.opts;
    const group = this.group;
    const total = Math.min(evalLimit ?? test!.size, test!.size);
    const [from, to] = sliceBounds(total, group.rank, group.size);
    const sums = evaluationSums(model, test!, evalBatchSize, from, to);
    let result: Evaluation;
    if (group.size === 1) result = evaluationOf(sums);
    else {
      const values = new Float32Array([sums.lossSum, sums.correct, sums.count]);
      await group.sumScalars(values);
      result = evaluationOf({ lossSum: values[0], correct: values[1], count: values[2] });
    }
    if (group.rank === 0) {
      metrics.publish({
        type: 'eval',
        step,
        epoch: step / this.stepsPerEpoch,
        loss: result.loss,
        accuracy: result.accuracy,
        count: result.count,
        elapsedSec: group.now() - started,
      });
    }
    return result;
  }

  private async saveCheckpoint(step: number): Promise<void> {
    const policy = this.opts.checkpoint;
    if (!policy || this.group.rank !== 0) return;
    const state = this.opts.optimizer.state();
    const checkpoint: Checkpoint = {
      config: policy.config,
      step,
      params: this.opts.model.params,
      optimizer: { kind: this.opts.optimizer.kind, step: state.step, buffers: state.buffers },
      ...(policy.extra ? { extra: policy.extra } : {}),
    };
    if (policy.write) await policy.write(checkpoint);
    else saveCheckpoint(policy.path, checkpoint);
    this.opts.metrics.publish({ type: 'checkpoint', step, path: policy.path });
  }
}

/** The rank's contiguous share of the global batch (data-parallel SGD's default). */
function sliceOf(globalBatch: Int32Array, group: WorkerGroup): Int32Array {
  const [from, to] = sliceBounds(globalBatch.length, group.rank, group.size);
  return globalBatch.subarray(from, to);
}

function addScaled(into: Float32Array, values: Float32Array, factor: number): void {
  for (let i = 0; i < into.length; i++) into[i] += values[i] * factor;
}

/** Lets timers, signals and progress output run between synchronous compute steps. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
