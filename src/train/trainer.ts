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
  /** Optimizer steps this rank took part in (a parameter server's: the updates it applied). */
  readonly steps: number;
  /** The rank's role where its strategy has several (worker, server). */
  readonly role?: string;
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
  /** [loss, stop vote] exchanged by a group's afterStep. */
  private readonly exchange = new Float32Array(2);
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
    const { train, metrics } = kit.opts;
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
      const stepsLocally = group.stepsLocally?.(step) ?? false;
      group.beforeStep?.(model.params, step);
      const computeStarted = performance.now();
      // A share of the global mean, summed over the group; or, stepping locally, this rank's own mean.
      const weight = stepsLocally ? 1 : local.length / globalBatch.length;
      const localLoss = kit.gradient(local, this.grad, weight, group.prepareBatch?.bind(group), group.layerReadiness?.(step) ?? undefined);
      const computeSec = group.computed((performance.now() - computeStarted) / 1000, local.length);

      const scalars = this.scalars;
      scalars.fill(0);
      let syncSec = 0;
      let slowest = computeSec;
      if (stepsLocally) {
        lastLoss = localLoss;
      } else {
        scalars[LOSS_SLOT] = localLoss;
        scalars[STOP_SLOT] = this.stopRequested ? 1 : 0;
        scalars[COMPUTE_SLOTS + group.rank] = computeSec;
        const syncStarted = group.now();
        await group.sumGradients(this.grad, scalars);
        syncSec = group.now() - syncStarted;
        slowest = Math.max(...scalars.subarray(COMPUTE_SLOTS));
        lastLoss = group.size === 1 ? localLoss : scalars[LOSS_SLOT]!;
        stopAgreed = scalars[STOP_SLOT]! > 0;
      }
      if (!Number.isFinite(lastLoss)) {
        throw new LoomError(`training diverged at step ${step}: loss is ${lastLoss} (lower optimizer.lr = ${lr}?)`);
      }
      optimizer.step(model.params, this.grad, lr);
      step++;
      windowSamples += globalBatch.length;
      if (group.afterStep) {
        const exchange = this.exchange;
        exchange[0] = lastLoss / group.size;
        exchange[1] = this.stopRequested ? 1 : 0;
        const started = group.now();
        const moment = { evaluates: kit.evaluatesAt(step), last: step >= stopAt || step >= totalSteps, lr };
        if (await group.afterStep(model.params, step, exchange, moment)) {
          lastLoss = exchange[0]!;
          stopAgreed ||= exchange[1]! > 0;
        }
        syncSec += group.now() - started;
      }

      const waitSec = Math.max(0, Math.min(syncSec, slowest - computeSec));
      const commSec = Math.max(0, syncSec - waitSec);
      totals.computeSec += computeSec;
      totals.waitSec += waitSec;
      totals.commSec += commSec;

      const now = group.now();
      const measured = group.stepMetrics?.() ?? {};
      // A step that carries a measurement (gossip's consensus distance) is always written down.
      const logged = kit.logsAt(step) || Object.keys(measured).length > 0;
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
        kit.publishStep(
          {
            step,
            loss: lastLoss,
            lr,
            samplesPerSec: windowSamples / Math.max(now - windowStart, 1e-9),
            elapsedSec: now - started,
            ...(group.size > 1 || group.simulated ? { timing } : {}),
            ...measured,
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
        group.afterEvaluation?.(model.params);
        evaluatedAt = step;
        windowStart = group.now(); // evaluation is not training time
        windowSamples = 0;
      }
      if (kit.checkpointDue(step)) await this.checkpoint(step);
    }
    if (kit.hasTest && step !== totalSteps && evaluatedAt !== step) evaluation = await this.evaluate(step, started);
    await this.checkpoint(step);
    return runResult(kit, {
      step,
      finalLoss: lastLoss,
      evaluation,
      wallStarted,
      elapsedSec: group.now() - started,
      timing: { rank: group.rank, workers: group.size, ...totals, ...group.traffic(), simulated: group.simulated },
    });
  }

  /**
   * Rank 0 writes the checkpoint; where the ranks' states differ the group gathers them there first,
   * and the checkpoint holds each, with their average as its parameters.
   */
  private async checkpoint(step: number): Promise<void> {
    const { group, kit } = this;
    if (!kit.checkpoints) return;
    if (!group.gatherStates) {
      if (group.rank === 0) await kit.saveCheckpoint(step);
      return;
    }
    const states = await group.gatherStates(kit.ownState());
    if (states) await kit.saveCheckpoint(step, { params: averageOf(states.map((s) => s.params)), optimizer: states[0]!.optimizer, ranks: states });
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

function averageOf(vectors: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(vectors[0]!.length);
  for (const v of vectors) for (let i = 0; i < out.length; i++) out[i]! += v[i]!;
  for (let i = 0; i < out.length; i++) out[i]! /= vectors.length;
  return out;
}

/** A rank's result at the end of its loop: `step` reached, `elapsedSec` on the rank's clock, wall time since `wallStarted` (performance.now()). */
export function runResult(
  kit: StepKit,
  end: { step: number; finalLoss: number; evaluation: Evaluation | null; wallStarted: number; elapsedSec: number; timing: Omit<RunTiming, 'steps'>; role?: string },
): TrainResult {
  const { step, timing, role } = end;
  return {
    steps: step,
    epochs: step / kit.stepsPerEpoch,
    finalLoss: end.finalLoss,
    evaluation: end.evaluation,
    wallSec: (performance.now() - end.wallStarted) / 1000,
    samplesPerSec: ((step - kit.startStep) * kit.batchSize) / Math.max(end.elapsedSec, 1e-9),
    stopped: step < kit.stopAt,
    ...(role !== undefined ? { role } : {}),
    timing: { ...timing, steps: step - kit.startStep, ...(role !== undefined ? { role } : {}) },
  };
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
