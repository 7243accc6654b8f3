/**
 * The group of a D-PSGD rank (Lian et al., "Can Decentralized Algorithms Outperform Centralized
 * Algorithms? A Case Study for Decentralized Parallel Stochastic Gradient Descent", NeurIPS 2017):
 * every rank steps on its own share of each global batch, then replaces its parameters by the
 * W-weighted average of its own and its neighbours' (x_i <- sum_j W_ij x_j). The local step comes
 * before the mixing (adapt-then-combine), so the models exchanged are the stepped ones. Exact
 * averages at evaluations, the consensus distance and per-rank checkpoints: gossip-group.ts.
 */
import type { Communicator } from '../../comm/index.js';
import type { CommGroupOptions } from '../ddp/comm-group.js';
import { LocalWork } from '../compression/local-work.js';
import { GossipGroup, type Gossip, type GossipLink } from './gossip-group.js';
import { peersOf, type MixingMatrix } from './mixing.js';

/** x_i <- sum_j W_ij x_j over a fixed graph. */
export class MixingGossip implements Gossip {
  /** W_rank,j for j ascending, this rank included: the fixed order of the mixing sum. */
  private readonly terms: readonly { readonly rank: number; readonly weight: number }[];
  private readonly to: readonly number[];
  /** One receive buffer per neighbour whose model this rank mixes in. */
  private readonly inbox = new Map<number, Float32Array>();
  private readonly mixed: Float64Array;
  /** The mixing's compute, charged to a simulated clock (as CHOCO-SGD's is). */
  private work: LocalWork | null = null;

  constructor(mixing: MixingMatrix, private readonly rank: number, length: number) {
    const { from, to } = peersOf(mixing, rank);
    this.to = to;
    for (const j of from) this.inbox.set(j, new Float32Array(length));
    const row = mixing[rank]!;
    this.terms = [...from, rank].sort((a, b) => a - b).map((j) => ({ rank: j, weight: row[j]! }));
    this.mixed = new Float64Array(length);
  }

  /** Every exchange posted at once (the transport's contract), then the mix in rank order. */
  async mix(params: Float32Array, _step: number, { comm, options }: GossipLink): Promise<void> {
    await Promise.all([...this.to.map((k) => comm.send(k, params, options)), ...[...this.inbox].map(([j, buf]) => comm.recv(j, buf, options))]);
    (this.work ??= new LocalWork(comm)).run(() => this.mixInto(params));
  }

  private mixInto(params: Float32Array): void {
    const mixed = this.mixed;
    mixed.fill(0);
    for (const { rank, weight } of this.terms) {
      const x = rank === this.rank ? params : this.inbox.get(rank)!;
      for (let e = 0; e < x.length; e++) mixed[e]! += weight * x[e]!;
    }
    params.set(mixed);
  }
}

export class DpsgdGroup extends GossipGroup {
  constructor(comm: Communicator, options: CommGroupOptions, mixing: MixingMatrix, length: number) {
    super(comm, options, new MixingGossip(mixing, comm.rank, length), length);
  }
}
