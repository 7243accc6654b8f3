/**
 * The group every decentralized strategy of Loom runs on (D-PSGD, SGP, GossipGraD): each rank steps
 * on its own share of each global batch, then mixes its parameters with some peers' through the
 * strategy's `Gossip` (the one thing in which those strategies differ).
 *
 * What is evaluated is the ranks' average model (the x-bar the algorithms' analyses track): before
 * an evaluation the average is computed exactly, with the consensus distance
 * (1/n) sum_i ||x_i - mean x||^2 reported with the step, and swapped in for the evaluation only;
 * each rank then goes on from its own model. At the end the average replaces every rank's model
 * for good: it is what the run keeps. Momentum buffers stay local; a checkpoint holds every rank's
 * own state.
 */
import type { Communicator } from '../../comm/index.js';
import type { RankState } from '../../train/checkpoint.js';
import type { StepMoment } from '../../train/worker-group.js';
import { CommGroup, type CommGroupOptions } from '../ddp/comm-group.js';
import { consensusDistance } from '../consensus.js';
import { HeldModel } from '../held-model.js';
import { gatherRankStates } from '../rank-states.js';

const GOSSIP_TAG = 0x5400;

/** What an exchange sends and receives with: the communicator, and its tag, timeout and cancellation. */
export interface GossipLink {
  readonly comm: Communicator;
  readonly options: { readonly tag: number; readonly timeoutMs?: number; readonly signal?: AbortSignal };
}

/** One decentralized algorithm's exchange. */
export interface Gossip {
  /** Mixes this rank's parameters with its peers' after the local step that completed `step` steps (from 1). */
  mix(params: Float32Array, step: number, link: GossipLink): Promise<void>;
  /**
   * This rank's weight in the exact average (push-sum's w_i: the average is sum_i w_i z_i / sum_i w_i);
   * absent, every rank weighs the same.
   */
  weight?(): number;
  /** Buffers this rank's checkpoint keeps beside its model (CHOCO-SGD's public copies); absent, none. */
  state?(): Record<string, Float32Array>;
}

export class GossipGroup extends CommGroup {
  private readonly mean: Float32Array;
  /** [w z, w] of a weighted average, allocated on first use. */
  private weighted: Float32Array | undefined;
  private consensusDistance: number | undefined;
  /** This rank's own model while the average stands in for it during an evaluation. */
  private readonly held = new HeldModel();

  constructor(comm: Communicator, options: CommGroupOptions, private readonly gossip: Gossip, length: number) {
    super(comm, options);
    this.mean = new Float32Array(length);
  }

  stepsLocally(): boolean {
    return true;
  }

  async afterStep(params: Float32Array, step: number, scalars: Float32Array, at: StepMoment): Promise<boolean> {
    this.consensusDistance = undefined;
    if (at.evaluates || at.last) {
      if (!at.last) this.held.hold(params);
      await this.average(params, scalars);
      return true;
    }
    await this.gossip.mix(params, step, { comm: this.comm, options: { tag: GOSSIP_TAG, ...this.limits() } });
    return false;
  }

  /** Gives this rank its own model back after the evaluation of the average. */
  afterEvaluation(params: Float32Array): void {
    this.held.restore(params);
  }

  /** The consensus distance measured after the step just taken (evaluation and last steps only). */
  stepMetrics(): { consensusDistance?: number } {
    return this.consensusDistance === undefined ? {} : { consensusDistance: this.consensusDistance };
  }

  gatherStates(own: RankState): Promise<RankState[] | null> {
    const strategy = this.gossip.state?.();
    return gatherRankStates(this.comm, strategy ? { ...own, strategy } : own, this.limits());
  }

  /** The exact average of all ranks' models in `params` (and the sums of the scalars), after measuring how far apart they were. */
  private async average(params: Float32Array, scalars: Float32Array): Promise<void> {
    const limits = this.limits();
    const mean = this.mean;
    const weight = this.gossip.weight?.();
    if (weight === undefined) {
      mean.set(params);
      await Promise.all([this.comm.allReduce(mean, { op: 'mean', ...limits }), this.comm.allReduce(scalars, { op: 'sum', ...limits })]);
    } else {
      const sums = (this.weighted ??= new Float32Array(params.length + 1));
      for (let e = 0; e < params.length; e++) sums[e] = weight * params[e]!;
      sums[params.length] = weight;
      await Promise.all([this.comm.allReduce(sums, { op: 'sum', ...limits }), this.comm.allReduce(scalars, { op: 'sum', ...limits })]);
      const total = sums[params.length]!;
      for (let e = 0; e < params.length; e++) mean[e] = sums[e]! / total;
    }
    this.consensusDistance = await consensusDistance(this.comm, params, mean, limits);
    params.set(mean);
  }
}
