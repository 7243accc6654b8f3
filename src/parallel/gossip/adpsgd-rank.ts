/**
 * One rank of AD-PSGD (Lian, Zhang, Zhang, Liu, "Asynchronous Decentralized Parallel Stochastic
 * Gradient Descent", ICML 2018). Every worker loops on its own: compute a stochastic gradient at
 * its model, apply it (x_i <- x_i - lr g), and — an active rank — average its model with a passive
 * neighbour drawn at random, atomically for the pair: x_i = x_j = (x_i + x_j) / 2. A passive rank
 * answers averaging requests whenever they come, while its own gradient is being computed; that
 * gradient is then applied to the model as it is by then (the paper's stale x-hat). Nobody waits
 * for a slow rank but the one active that happens to average with it.
 *
 * On a simulated clock every change to a model is an event of the world's clock (waitUntil): a
 * gradient lands at its compute's end, a request and a reply at their arrival, in time order, as a
 * communication thread would serve them; the run is deterministic by seed, and evaluations during
 * the run are of the ranks' average model at that instant (world-view.ts). On real clocks a rank
 * has one thread: a passive serves the requests that came in between two of its own steps, and the
 * lead evaluates its own model during the run.
 *
 * The job's length is counted in worker steps (the same samples as every synchronous strategy:
 * epochs x steps per epoch x workers); each rank learns the others' counts from the vectors its
 * averagings carry (progress-vector.ts) and stops when they add up. At the end the ranks' models
 * are averaged exactly, the consensus distance measured, and the average evaluated and kept.
 */
import { evaluationOf, type Evaluation } from '../../train/evaluate.js';
import { StepKit, yieldToEventLoop } from '../../train/step-kit.js';
import { publishEvaluation, runResult, type TrainResult } from '../../train/trainer.js';
import { LoomError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { consensusDistance } from '../consensus.js';
import { HeldModel } from '../held-model.js';
import { gatherRankStates } from '../rank-states.js';
import { transferOptions, type RankContext } from '../strategy.js';
import { prepareRankRun, startFromRankZero } from '../sync-rank.js';
import { bipartiteNeighbours, isActive, type BipartiteTopology } from './bipartite.js';
import { ProgressVector } from './progress-vector.js';

const REQUEST_TAG = 0x5420;
const REPLY_TAG = 0x5421;
/** The last message an active sends each passive neighbour: its progress alone. */
const DONE_FLAG_SLOT = 0;

export async function runAdpsgdRank(ctx: RankContext, topology: BipartiteTopology): Promise<TrainResult> {
  const run = await prepareRankRun(ctx, { rank: { index: ctx.rank, size: ctx.size } });
  try {
    await startFromRankZero(ctx, run.model, true);
    return await new AdpsgdRank(ctx, run.kit, bipartiteNeighbours(topology, ctx.rank, ctx.size)).run();
  } finally {
    run.model.dispose();
  }
}

class AdpsgdRank {
  private readonly size: number;
  private readonly lead: boolean;
  private readonly active: boolean;
  private readonly progress: ProgressVector;
  /** [done flag, progress vector, parameters]: a request or a reply. */
  private readonly outgoing: Float32Array;
  private readonly incoming: Float32Array;
  private readonly grad: Float32Array;
  private readonly header: number;
  private readonly simulated: boolean;
  private readonly now: () => number;
  private readonly totals = { computeSec: 0, commSec: 0, waitSec: 0 };
  private lastLoss = Number.NaN;
  /** Set when one of this rank's loops failed: the others stop at their next step instead of running on alone. */
  private failed = false;
  /** The average model, evaluated in virtual mode (allocated on first use). */
  private mean: Float32Array | undefined;
  private readonly held = new HeldModel();

  constructor(
    private readonly ctx: RankContext,
    private readonly kit: StepKit,
    private readonly neighbours: readonly number[],
  ) {
    this.size = ctx.size;
    this.lead = ctx.rank === 0;
    this.active = isActive(ctx.rank);
    this.progress = new ProgressVector(ctx.size, kit.startStep);
    this.header = 1 + ProgressVector.length(ctx.size);
    const length = this.header + kit.model.params.length;
    this.outgoing = new Float32Array(length);
    this.incoming = new Float32Array(length);
    this.grad = new Float32Array(kit.model.params.length);
    const transport = ctx.comm.transport;
    this.simulated = transport.waitUntil !== undefined;
    this.now = transport.now ?? (() => performance.now() / 1000);
    if (this.lead && ctx.report) kit.metrics.on('record', ctx.report);
    if (this.lead) ctx.onStart?.(() => this.progress.requestStop());
    ctx.world?.share(ctx.rank, kit.model.params);
  }

  async run(): Promise<TrainResult> {
    const { kit, ctx } = this;
    const wallStarted = performance.now();
    const started = this.now();
    if (this.lead) {
      kit.metrics.publish({ type: 'start', step: kit.startStep, totalSteps: kit.totalSteps, workers: this.size, model: kit.model.kind, params: kit.model.params.length, trainSize: kit.opts.train.size, testSize: kit.opts.test?.size ?? 0 });
    }
    // A passive's own loop and its answers to every active neighbour run side by side.
    const answering = this.active ? [] : this.neighbours.map((peer) => this.answer(peer));
    const marksFailure = (loop: Promise<void>): Promise<void> =>
      loop.catch((error: unknown) => {
        this.failed = true;
        throw error;
      });
    await Promise.all([this.train(started), ...answering].map(marksFailure));
    const { step, consensusDistance } = await this.averageExactly();
    let evaluation: Evaluation | null = null;
    if (this.lead && kit.hasTest) {
      evaluation = evaluationOf(kit.evalSums());
      publishEvaluation(kit, step, evaluation, this.now() - started);
    }
    const ranks = await gatherRankStates(ctx.comm, kit.ownState(), this.limits());
    const elapsedSec = this.now() - started;
    if (this.lead) {
      const samplesPerSec = ((step - kit.startStep) * kit.batchSize) / Math.max(elapsedSec, 1e-9);
      kit.publishStep({ step, loss: this.lastLoss, lr: kit.lr(Math.min(step, kit.totalSteps - 1)), samplesPerSec, elapsedSec, consensusDistance }, false);
      await kit.saveCheckpoint(step, { ...kit.ownState(), ...(ranks ? { ranks } : {}) });
    }
    const { bytesSent, bytesReceived } = ctx.comm.stats.snapshot();
    const result = runResult(kit, {
      step,
      finalLoss: this.lastLoss,
      evaluation,
      wallStarted,
      elapsedSec,
      role: this.active ? 'active' : 'passive',
      timing: { rank: ctx.rank, workers: this.size, ...this.totals, bytesSent, bytesReceived, simulated: this.simulated },
    });
    // The job's step is everyone's; the steps this rank took are its own.
    return { ...result, timing: { ...result.timing, steps: this.progress.count(ctx.rank) - kit.startStep } };
  }

  /** This rank's own steps, until the steps it knows of add up to the job's. */
  private async train(started: number): Promise<void> {
    const { kit, ctx, progress } = this;
    const model = kit.model;
    const rank = ctx.rank;
    let nextLog = nextMultiple(kit.startStep, kit.opts.logEvery);
    let nextEval = nextMultiple(kit.startStep, kit.evalEvery);
    let windowStart = started;
    let windowSteps = 0;
    while (progress.globalSteps < kit.stopAt && !progress.stopRequested && !this.failed && !ctx.signal?.aborted) {
      const own = progress.count(rank);
      const globalStep = Math.min(Math.floor(progress.globalSteps), kit.totalSteps - 1);
      const samples = StepKit.slice(kit.batch(own), rank, this.size);
      const trafficBefore = ctx.comm.stats.snapshot();
      const computeStarted = this.now();
      const wallStarted = performance.now();
      const loss = kit.gradient(samples, this.grad, 1);
      const measured = (performance.now() - wallStarted) / 1000;
      if (!Number.isFinite(loss)) throw new LoomError(`training diverged at step ${globalStep} on rank ${rank}: loss is ${loss} (lower optimizer.lr = ${kit.lr(globalStep)}?)`);
      if (this.simulated) await ctx.comm.transport.waitUntil!(computeStarted + ctx.computeSeconds!(measured, samples.length));
      else ctx.chargeCompute?.(measured, samples.length);
      const computeSec = this.now() - computeStarted;
      // The gradient of the model as it was lands on the model as it is (averagings came in between).
      kit.optimizer.step(model.params, this.grad, kit.lr(globalStep));
      progress.stepped(rank);
      this.lastLoss = loss;
      const exchangeStarted = this.now();
      if (this.active) await this.average(this.neighbours[Rng.derive(ctx.config.seed, 0xad, rank, own).int(this.neighbours.length)]!);
      else if (!this.simulated) await yieldToEventLoop(); // the requests that came in meanwhile are answered now
      const commSec = this.now() - exchangeStarted;
      this.totals.computeSec += computeSec;
      this.totals.commSec += commSec;
      windowSteps++;
      if (!this.lead) continue;
      const step = Math.floor(progress.globalSteps);
      const evaluates = kit.hasTest && step >= nextEval && step < kit.stopAt;
      const evaluated = evaluates ? await this.evaluateDuringRun() : null;
      const logged = step >= nextLog || step >= kit.stopAt || evaluates;
      const traffic = ctx.comm.stats.snapshot();
      const t = this.now();
      kit.publishStep(
        {
          step,
          loss,
          lr: kit.lr(globalStep),
          samplesPerSec: (windowSteps * samples.length * this.size) / Math.max(t - windowStart, 1e-9),
          elapsedSec: t - started,
          timing: { workers: this.size, computeSec, commSec, waitSec: 0, bytesSent: traffic.bytesSent - trafficBefore.bytesSent, bytesReceived: traffic.bytesReceived - trafficBefore.bytesReceived, simulated: this.simulated },
          ...evaluated?.measured,
        },
        logged,
      );
      if (logged) {
        nextLog = nextMultiple(step, kit.opts.logEvery);
        windowStart = t;
        windowSteps = 0;
      }
      if (evaluated) {
        publishEvaluation(kit, step, evaluated.evaluation, t - started);
        nextEval = nextMultiple(step, kit.evalEvery);
      }
    }
    if (!this.active) return;
    // Tell every passive neighbour this rank is done (with its progress, which ends theirs).
    const done = this.outgoing.subarray(0, this.header);
    done[DONE_FLAG_SLOT] = 1;
    done.set(progress.values, 1);
    await Promise.all(this.neighbours.map((peer) => ctx.comm.send(peer, done, this.options(REQUEST_TAG))));
  }

  /** An active's averaging with `peer`: send the model, get the pair's average back. */
  private async average(peer: number): Promise<void> {
    const { comm } = this.ctx;
    const params = this.kit.model.params;
    const out = this.outgoing;
    out[DONE_FLAG_SLOT] = 0;
    out.set(this.progress.values, 1);
    out.set(params, this.header);
    await Promise.all([comm.send(peer, out, this.options(REQUEST_TAG)), this.receiveAtArrival(peer, this.incoming, REPLY_TAG)]);
    this.progress.merge(this.incoming.subarray(1, this.header));
    params.set(this.incoming.subarray(this.header));
  }

  /**
   * A message from `peer`; on a simulated clock, handled at the event of its arrival, so every
   * change to a model is an event of the world's clock (and the world view sees no model mid-change).
   */
  private async receiveAtArrival(peer: number, into: Float32Array, tag: number): Promise<void> {
    const { comm } = this.ctx;
    if (!this.simulated) {
      await comm.recv(peer, into, this.options(tag));
      return;
    }
    let arrival = 0;
    await comm.recv(peer, into, { ...this.options(tag), deferClock: (t: number) => (arrival = t) });
    await comm.transport.waitUntil!(arrival);
  }

  /**
   * An evaluation during the run. In virtual mode, of the ranks' average model at this simulated
   * instant (seen through the world view, with their consensus distance); on real clocks, of this
   * rank's own model (an exact average would stop every rank).
   */
  private async evaluateDuringRun(): Promise<{ evaluation: Evaluation; measured: { consensusDistance?: number } }> {
    const { ctx, kit } = this;
    const params = kit.model.params;
    if (this.simulated && ctx.world) {
      await ctx.comm.transport.waitUntil!(this.now());
      const mean = (this.mean ??= new Float32Array(params.length));
      const measured = ctx.world.average(mean);
      if (measured) {
        this.held.hold(params);
        params.set(mean);
        const evaluation = evaluationOf(kit.evalSums());
        this.held.restore(params);
        return { evaluation, measured };
      }
    }
    return { evaluation: evaluationOf(kit.evalSums()), measured: {} };
  }

  /** A passive's answers to one active neighbour, each at its arrival, until the active is done. */
  private async answer(peer: number): Promise<void> {
    const { comm } = this.ctx;
    const params = this.kit.model.params;
    const request = new Float32Array(this.incoming.length);
    const reply = new Float32Array(this.outgoing.length);
    for (;;) {
      await this.receiveAtArrival(peer, request, REQUEST_TAG);
      this.progress.merge(request.subarray(1, this.header));
      if (request[DONE_FLAG_SLOT]! > 0) return;
      const theirs = request.subarray(this.header);
      for (let e = 0; e < params.length; e++) params[e] = (params[e]! + theirs[e]!) / 2;
      reply.set(this.progress.values, 1);
      reply.set(params, this.header);
      await comm.send(peer, reply, this.options(REPLY_TAG));
    }
  }

  /** Every rank's model replaced by the exact average; the job's step and the consensus distance before it. */
  private async averageExactly(): Promise<{ step: number; consensusDistance: number }> {
    const { comm } = this.ctx;
    const params = this.kit.model.params;
    const mean = Float32Array.from(params);
    const sums = new Float64Array([this.progress.count(this.ctx.rank) - this.kit.startStep, 0]);
    await Promise.all([comm.allReduce(mean, { op: 'mean', ...this.limits() }), comm.allReduce(sums, { op: 'sum', ...this.limits() })]);
    const distance = await consensusDistance(comm, params, mean, this.limits());
    params.set(mean);
    return { step: this.kit.startStep + Math.round(sums[0]! / this.size), consensusDistance: distance };
  }

  private limits(): { timeoutMs: number; signal?: AbortSignal } {
    return { timeoutMs: this.ctx.timeoutMs, ...(this.ctx.signal ? { signal: this.ctx.signal } : {}) };
  }

  private options(tag: number): { tag: number; timeoutMs: number; signal?: AbortSignal } {
    return transferOptions(tag, this.ctx);
  }
}

/** The first multiple of `every` after `step`. */
function nextMultiple(step: number, every: number): number {
  return (Math.floor(step / every) + 1) * every;
}
