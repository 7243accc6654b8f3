/**
 * The group of a D-PSGD rank (Lian et al., "Can Decentralized Algorithms Outperform Centralized
 * Algorithms? A Case Study for Decentralized Parallel Stochastic Gradient Descent", NeurIPS 2017):
 * every rank steps on its own share of each global batch, then replaces its parameters by the
 * W-weighted average of its own and its neighbours' (x_i <- sum_j W_ij x_j). The local step comes
 * before the mixing (adapt-then-combine), so the models exchanged are the stepped ones.
 *
 * Before every evaluation and at the end the ranks' models are averaged exactly instead, so what is
 * evaluated and kept is the average model; just before, the consensus distance
 * (1/n) sum_i ||x_i - mean x||^2 is measured and reported with the step. Momentum buffers stay
 * local; a checkpoint holds every rank's own state.
 */
import type { Communicator } from '../../comm/index.js';
import type { RankState } from '../../train/checkpoint.js';
import type { StepMoment } from '../../train/worker-group.js';
import { CommGroup, type CommGroupOptions } from '../ddp/comm-group.js';
import { gatherRankStates } from '../rank-states.js';
import { peersOf, type MixingMatrix } from './mixing.js';

const GOSSIP_TAG = 0x5400;

export class DpsgdGroup extends CommGroup {
  /** W_rank,j for j ascending, this rank included: the fixed order of the mixing sum. */
  private readonly terms: readonly { readonly rank: number; readonly weight: number }[];
  private readonly to: readonly number[];
  /** One receive buffer per neighbour whose model this rank mixes in. */
  private readonly inbox = new Map<number, Float32Array>();
  private readonly mixed: Float64Array;
  private readonly mean: Float32Array;
  private readonly distance = new Float32Array(1);
  private consensusDistance: number | undefined;

  constructor(comm: Communicator, options: CommGroupOptions, mixing: MixingMatrix, length: number) {
    super(comm, options);
    const { from, to } = peersOf(mixing, comm.rank);
    this.to = to;
    for (const j of from) this.inbox.set(j, new Float32Array(length));
    const row = mixing[comm.rank]!;
    this.terms = [...from, comm.rank].sort((a, b) => a - b).map((j) => ({ rank: j, weight: row[j]! }));
    this.mixed = new Float64Array(length);
    this.mean = new Float32Array(length);
  }

  stepsLocally(): boolean {
    return true;
  }

  async afterStep(params: Float32Array, _step: number, scalars: Float32Array, at: StepMoment): Promise<boolean> {
    this.consensusDistance = undefined;
    if (at.evaluates || at.last) {
      await this.average(params, scalars);
      return true;
    }
    await this.gossip(params);
    return false;
  }

  /** The consensus distance measured after the step just taken (evaluation and last steps only). */
  stepMetrics(): { consensusDistance?: number } {
    return this.consensusDistance === undefined ? {} : { consensusDistance: this.consensusDistance };
  }

  gatherStates(own: RankState): Promise<RankState[] | null> {
    return gatherRankStates(this.comm, own, this.limits());
  }

  /** Every exchange posted at once (the transport's contract), then the mix in rank order. */
  private async gossip(params: Float32Array): Promise<void> {
    const options = { tag: GOSSIP_TAG, ...this.limits() };
    await Promise.all([...this.to.map((k) => this.comm.send(k, params, options)), ...[...this.inbox].map(([j, buf]) => this.comm.recv(j, buf, options))]);
    const mixed = this.mixed;
    mixed.fill(0);
    for (const { rank, weight } of this.terms) {
      const x = rank === this.rank ? params : this.inbox.get(rank)!;
      for (let e = 0; e < x.length; e++) mixed[e]! += weight * x[e]!;
    }
    params.set(mixed);
  }

  /** The exact average of all ranks' models (and the sums of the scalars), after measuring how far apart they were. */
  private async average(params: Float32Array, scalars: Float32Array): Promise<void> {
    const limits = this.limits();
    const mean = this.mean;
    mean.set(params);
    await Promise.all([this.comm.allReduce(mean, { op: 'mean', ...limits }), this.comm.allReduce(scalars, { op: 'sum', ...limits })]);
    let squared = 0;
    for (let e = 0; e < mean.length; e++) squared += (params[e]! - mean[e]!) ** 2;
    this.distance[0] = squared;
    await this.comm.allReduce(this.distance, { op: 'sum', ...limits });
    this.consensusDistance = this.distance[0]! / this.size;
    params.set(mean);
  }
}
