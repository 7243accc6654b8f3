/**
 * The loop of the synchronous strategy family (DESIGN.md, "The strategy seam"): every rank takes
 * its share of the step's seeded global batch, computes its weighted gradient, the group's reducer
 * turns the shares into the step's gradient (an all-reduce for DDP, a robust server, ...), and
 * every rank applies the same optimizer step. Single-worker training is this loop with the group
 * of one; the ddp strategy runs it with a bucketed all-reduce.
 *
 * The gradient each rank applies is the mean over the whole global batch (each rank's part weighted
 * by its share), so N workers follow the single-worker trajectory up to float rounding, and a run
 * resumed from a checkpoint repeats the uninterrupted run's loss sequence exactly.
 */
import { LoomError } from '../util/errors.js';
import { evaluationOf, type Evaluation } from './evaluate.js';
import type { StepTiming } from './metrics.js';
import { StepKit, yieldToEventLoop, type StepKitOptions } from './step-kit.js';
import { soloGroup, type WorkerGroup } from './worker-group.js';

export { stepsPerEpoch, type CheckpointPolicy } from './step-kit.js';

export interface TrainerOptions extends StepKitOptions {
  /** The data-parallel group this worker belongs to (default: alone). */
  readonly group?: WorkerGroup;
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
  /** The rank's role in its strategy (absent: a worker of a synchronous group). */
  readonly role?: string;
}

/** Slots summed with the gradient: each rank's compute seconds, the weighted loss, and a stop vote. */
const LOSS_SLOT = 0;
const STOP_SLOT = 1;
const COMPUTE_SLOTS = 2;

export class Trainer {
  private stopRequested = false;
  private readonly grad: Float32Array;
  private readonly scalars: Float32Array;
  private readonly group: WorkerGroup;
  readonly kit: StepKit;

  constructor(opts: TrainerOptions) {
    this.group = opts.group ?? soloGroup();
    this.kit = new StepKit(opts);
    const parts = this.group.size * this.kit.accumulation;
    if (opts.batchSize < parts) {
      throw new LoomError(
        `train.batchSize ${opts.batchSize} is smaller than workers x accumulation steps (${this.group.size} x ${this.kit.accumulation} = ${parts}): some micro-batches would be empty`,
      );
    }
    this.grad = new Float32Array(opts.model.params.length);
    this.scalars = new Float32Array(COMPUTE_SLOTS + this.group.size);
  }

  get stepsPerEpoch(): number {
    return this.kit.stepsPerEpoch;
  }

  /** Asks the loop to finish the current step, checkpoint, and return (every rank stops at the same step). */
  stop(): void {
    this.stopRequested = true;
  }

  async run(): Promise<TrainResult> {
    const kit = this.kit;
    const { model, optimizer, totalSteps, startStep, stopAt } = kit;
    const { train, batchSize, metrics } = kit.opts;
    const group = this.group;
    const lead = group.rank === 0;
    const wallStarted = performance.now();
    const started = group.now();
    const totals = { computeSec: 0, commSec: 0, waitSec: 0 };
    let windowStart = started;
    let windowSamples = 0;
    let lastLoss = Number.NaN;
    let evaluation: Evaluation | null = null;
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
        testSize: kit.opts.test?.size ?? 0,
      });
    }
    const stopping = (): boolean => stopAgreed || (group.size === 1 && this.stopRequested) || step >= stopAt;

    while (step < totalSteps && !stopping()) {
      const globalBatch = kit.batch(step);
      const lr = kit.lr(step);
      const trafficBefore = group.traffic();

      const local = group.localSamples?.(step, globalBatch) ?? StepKit.slice(globalBatch, group.rank, group.size);
      const computeStarted = performance.now();
      const localLoss = kit.gradient(local, this.grad, local.length / globalBatch.length, group.prepareBatch?.bind(group));
      const computeSec = group.computed((performance.now() - computeStarted) / 1000, local.length);

      const scalars = this.scalars;
      scalars.fill(0);
      scalars[LOSS_SLOT] = localLoss;
      scalars[STOP_SLOT] = this.stopRequested ? 1 : 0;
      scalars[COMPUTE_SLOTS + group.rank] = computeSec;
      const syncStarted = group.now();
      await group.sumGradients(this.grad, scalars);
      const syncSec = group.now() - syncStarted;
      lastLoss = group.size === 1 ? localLoss : scalars[LOSS_SLOT]!;
      stopAgreed = scalars[STOP_SLOT]! > 0;
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
      const logged = step % kit.opts.logEvery === 0 || step === totalSteps;
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
            epoch: step / kit.stepsPerEpoch,
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
      if (kit.evaluatesAt(step)) {
        evaluation = await this.evaluate(step, started);
        evaluatedAt = step;
        windowStart = group.now(); // evaluation is not training time
        windowSamples = 0;
      }
      if (kit.checkpointDue(step) && lead) await kit.saveCheckpoint(step);
    }
    if (kit.hasTest && step !== totalSteps && evaluatedAt !== step) evaluation = await this.evaluate(step, started);
    if (lead) await kit.saveCheckpoint(step);
    const elapsed = group.now() - started;
    const traffic = group.traffic();
    return {
      steps: step,
      epochs: step / kit.stepsPerEpoch,
      finalLoss: lastLoss,
      evaluation,
      wallSec: (performance.now() - wallStarted) / 1000,
      samplesPerSec: ((step - startStep) * batchSize) / Math.max(elapsed, 1e-9),
      stopped: step < stopAt,
      timing: { rank: group.rank, workers: group.size, steps: step - startStep, ...totals, ...traffic, simulated: group.simulated },
    };
  }

  /** Each rank evaluates its slice of the test samples; the sums are added over the group. */
  private async evaluate(step: number, started: number): Promise<Evaluation> {
    const group = this.group;
    const sums = this.kit.evalSums(group.rank, group.size);
    let result: Evaluation;
    if (group.size === 1) result = evaluationOf(sums);
    else {
      const values = new Float32Array([sums.lossSum, sums.correct, sums.count]);
      await group.sumScalars(values);
      result = evaluationOf({ lossSum: values[0]!, correct: values[1]!, count: values[2]! });
    }
    if (group.rank === 0) publishEvaluation(this.kit, step, result, group.now() - started);
    return result;
  }
}

/** The lead rank's eval record. */
export function publishEvaluation(kit: StepKit, step: number, result: Evaluation, elapsedSec: number): void {
  kit.metrics.publish({
    type: 'eval',
    step,
    epoch: step / kit.stepsPerEpoch,
    loss: result.loss,
    accuracy: result.accuracy,
    count: result.count,
    elapsedSec,
  });
}
