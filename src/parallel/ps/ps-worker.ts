/**
 * A parameter server's worker: pull the parameters, then each step compute the gradient of its
 * share of the step's global batch (weighted by that share, as in DDP), push each server its
 * slice, and pull the slices back. Under BSP the pulls wait for the round; under SSP and ASP they
 * come as soon as the server has applied this worker's push (and the staleness bound allows).
 * The lead worker (the first) publishes the metrics, evaluates, and writes the checkpoints from
 * the state the servers ship it.
 */
import { evaluationOf, type Evaluation } from '../../train/evaluate.js';
import type { Checkpoint } from '../../train/checkpoint.js';
import { addScaled, StepKit, yieldToEventLoop } from '../../train/step-kit.js';
import { publishEvaluation, runResult, type TrainResult } from '../../train/trainer.js';
import { LoomError } from '../../util/errors.js';
import type { RankContext } from '../strategy.js';
import { prepareRankRun } from '../sync-rank.js';
import { DONE, PULL, PULL_HEADER, PUSH_HEADER, SEND_STATE, TAG, transferOptions } from './protocol.js';
import { psLayout, type PsLayout, type PsOptions } from './layout.js';
import { PushCompression } from '../compression/compressed-push.js';
import type { CompressionSpec } from '../../compress/index.js';

export async function runPsWorker(ctx: RankContext, options: PsOptions): Promise<TrainResult> {
  const run = await prepareRankRun(ctx);
  try {
    return await new PsWorker(ctx, psLayout(ctx.roles, options, run.model, ctx.config), run.kit, options.consistency === 'bsp', options.compression).run();
  } finally {
    run.model.dispose();
  }
}

class PsWorker {
  private stopRequested = false;
  private readonly index: number;
  private readonly lead: boolean;
  private readonly grad: Float32Array;
  private readonly header = new Float32Array(PUSH_HEADER);
  private readonly replies: Float32Array[];
  /** Compresses the pushes, when the strategy asks for it. */
  private readonly compression: PushCompression | null;
  /** One partition's gradient, under a gradient code. */
  private partial: Float32Array | null = null;

  constructor(
    private readonly ctx: RankContext,
    private readonly layout: PsLayout,
    private readonly kit: StepKit,
    /** BSP replies carry the round's loss over every worker; SSP and ASP replies echo the pusher's own. */
    private readonly roundLoss: boolean,
    compression: CompressionSpec | undefined,
  ) {
    this.index = layout.workers.indexOf(ctx.rank);
    this.lead = this.index === 0;
    this.grad = new Float32Array(kit.model.params.length);
    this.replies = layout.servers.map(() => new Float32Array(PULL_HEADER));
    this.compression = compression ? new PushCompression(compression, layout.shards, kit.model.segments, ctx.config.seed, ctx.rank, layout.workers.length) : null;
    if (this.lead && ctx.report) kit.metrics.on('record', ctx.report);
    ctx.onStart?.(() => (this.stopRequested = true));
  }

  async run(): Promise<TrainResult> {
    const { kit, ctx, layout } = this;
    const { model, totalSteps, startStep, stopAt } = kit;
    const n = layout.workers.length;
    const now = (): number => (ctx.comm.transport.now ?? (() => performance.now() / 1000))();
    const simulated = ctx.comm.transport.now !== undefined;
    const wallStarted = performance.now();
    const started = now();
    const totals = { computeSec: 0, commSec: 0, waitSec: 0 };
    let step = startStep;
    let lastLoss = Number.NaN;
    let stopAgreed = false;
    let evaluation: Evaluation | null = null;
    let windowStart = started;
    let windowSamples = 0;

    await this.pull();
    if (this.lead) {
      kit.metrics.publish({
        type: 'start',
        step: startStep,
        totalSteps,
        workers: n,
        model: model.kind,
        params: model.params.length,
        trainSize: kit.opts.train.size,
        testSize: kit.opts.test?.size ?? 0,
      });
    }
    while (step < totalSteps && step < stopAt && !stopAgreed) {
      const globalBatch = kit.batch(step);
      const lr = kit.lr(step);
      const trafficBefore = ctx.comm.stats.snapshot();
      const computeStarted = performance.now();
      const { loss, samples, weight } = this.gradient(globalBatch);
      const measured = (performance.now() - computeStarted) / 1000;
      const computeSec = ctx.chargeCompute ? ctx.chargeCompute(measured, samples) : measured;
      const wantState = this.lead && kit.checkpointDue(step + 1);
      this.header.set([loss, this.stopRequested ? 1 : 0, step, wantState ? SEND_STATE : 0]);
      const syncStarted = now();
      await this.pushAndPull(step);
      const syncSec = now() - syncStarted;
      const reply = this.replies[0]!;
      lastLoss = this.roundLoss ? reply[PULL.loss]! : loss / weight;
      stopAgreed = this.replies.some((r) => r[PULL.stop]! > 0);
      if (!Number.isFinite(lastLoss)) throw new LoomError(`training diverged at step ${step}: loss is ${lastLoss} (lower optimizer.lr = ${lr}?)`);
      step++;
      windowSamples += globalBatch.length;
      totals.computeSec += computeSec;
      totals.commSec += syncSec;
      if (wantState) await kit.saveCheckpoint(step, await this.receiveState());
      if (!this.lead) continue;
      const t = now();
      const logged = kit.logsAt(step);
      const traffic = ctx.comm.stats.snapshot();
      kit.publishStep(
        {
          step,
          loss: lastLoss,
          lr,
          samplesPerSec: windowSamples / Math.max(t - windowStart, 1e-9),
          elapsedSec: t - started,
          staleness: reply[PULL.staleness]!,
          timing: {
            workers: n,
            computeSec,
            commSec: syncSec,
            waitSec: 0,
            bytesSent: traffic.bytesSent - trafficBefore.bytesSent,
            bytesReceived: traffic.bytesReceived - trafficBefore.bytesReceived,
            simulated,
          },
        },
        logged,
      );
      if (logged) {
        windowStart = t;
        windowSamples = 0;
      }
      await yieldToEventLoop();
      // The last step's evaluation waits for the servers' final state (under ASP it differs from this pull).
      if (kit.evaluatesAt(step) && step < stopAt && !stopAgreed) {
        evaluation = this.evaluate(step, now() - started);
        windowStart = now();
        windowSamples = 0;
      }
    }
    this.header.set([0, 0, step, DONE]);
    await Promise.all(layout.servers.map((s) => ctx.comm.send(s, this.header, this.opts(TAG.pushHeader))));
    if (this.lead) {
      const state = await this.receiveState();
      if (kit.hasTest) evaluation = this.evaluate(step, now() - started);
      await kit.saveCheckpoint(step, state);
    }
    const { bytesSent, bytesReceived } = ctx.comm.stats.snapshot();
    return runResult(kit, {
      step,
      finalLoss: lastLoss,
      evaluation,
      wallStarted,
      elapsedSec: now() - started,
      role: 'worker',
      timing: { rank: ctx.rank, workers: n, ...totals, bytesSent, bytesReceived, simulated },
    });
  }

  /**
   * This worker's push into `this.grad`: its share of the global batch (weighted by the share), or
   * with a gradient code, its coded combination of the partitions its row covers.
   */
  private gradient(globalBatch: Int32Array): { loss: number; samples: number; weight: number } {
    const { kit, layout } = this;
    const n = layout.workers.length;
    if (!layout.code) {
      const local = StepKit.slice(globalBatch, this.index, n);
      const weight = local.length / globalBatch.length;
      return { loss: kit.gradient(local, this.grad, weight), samples: local.length, weight };
    }
    const { partitions, coefficients } = layout.code.row(this.index);
    this.partial ??= new Float32Array(this.grad.length);
    this.grad.fill(0);
    let loss = 0;
    let samples = 0;
    partitions.forEach((j, k) => {
      const part = StepKit.slice(globalBatch, j, n);
      loss += coefficients[k]! * kit.gradient(part, this.partial!, part.length / globalBatch.length);
      addScaled(this.grad, this.partial!, coefficients[k]!);
      samples += part.length;
    });
    return { loss, samples, weight: samples / globalBatch.length };
  }

  private evaluate(step: number, elapsedSec: number): Evaluation {
    const result = evaluationOf(this.kit.evalSums());
    publishEvaluation(this.kit, step, result, elapsedSec);
    return result;
  }

  /** The parameters (and reply headers) from every server. */
  private pull(): Promise<unknown> {
    const { comm } = this.ctx;
    const params = this.kit.model.params;
    return Promise.all(
      this.layout.servers.flatMap((server, i) => {
        const [start, end] = this.layout.shards[i]!;
        return [comm.recv(server, params.subarray(start, end), this.opts(TAG.pullParams)), comm.recv(server, this.replies[i]!, this.opts(TAG.pullHeader))];
      }),
    );
  }

  private async pushAndPull(step: number): Promise<void> {
    const { comm } = this.ctx;
    const pushes = this.layout.servers.flatMap((server, i) => {
      const [start, end] = this.layout.shards[i]!;
      const slice = this.grad.subarray(start, end);
      const payload = this.compression ? this.compression.pack(i, slice, step) : slice;
      return [comm.send(server, this.header, this.opts(TAG.pushHeader)), comm.send(server, payload, this.opts(TAG.pushGradient))];
    });
    await Promise.all([...pushes, this.pull()]);
  }

  /** Every server's shipped state, assembled into whole-model parameters and optimizer state (the lead only). */
  private async receiveState(): Promise<{ params: Float32Array; optimizer: Checkpoint['optimizer'] }> {
    const { comm } = this.ctx;
    const { model, optimizer } = this.kit;
    const state = optimizer.state();
    const names = Object.keys(state.buffers).sort();
    const steps = new Float32Array(this.layout.servers.length);
    await Promise.all(
      this.layout.servers.map(async (server, i) => {
        const [start, end] = this.layout.shards[i]!;
        await comm.recv(server, steps.subarray(i, i + 1), this.opts(TAG.state));
        await comm.recv(server, model.params.subarray(start, end), this.opts(TAG.state));
        for (const name of names) await comm.recv(server, state.buffers[name]!.subarray(start, end), this.opts(TAG.state));
      }),
    );
    // Every server applies one optimizer step per push it takes, so their counts agree.
    return { params: model.params, optimizer: { kind: optimizer.kind, step: steps[0]!, buffers: state.buffers } };
  }

  private opts(tag: number): { tag: number; timeoutMs: number; signal?: AbortSignal } {
    return transferOptions(tag, this.ctx);
  }
}
