/**
 * A rank's exchange in GossipGraD (Daily, Vishnu, Siegel, Warfel, Amatya, "GossipGraD: Scalable Deep
 * Learning using Gossip Communication based Asynchronous Gradient Descent", 2018): after its local
 * step a rank swaps models with its one partner of the step (dissemination.ts) and both keep
 * (x_i + x_partner) / 2, the same on both sides (addition commutes), so a pair leaves the step
 * agreeing and the ranks' mean is kept.
 *
 * The paper also rotates which data partition a rank trains on; with Loom's seeded global batches
 * a rank's slice is already a different draw of the whole training set at every step, so there is
 * no separate shuffle here.
 */
import type { Gossip, GossipLink } from './gossip-group.js';
import { partnerOf } from './dissemination.js';

export class PairwiseGossip implements Gossip {
  private readonly theirs: Float32Array;

  constructor(private readonly rank: number, private readonly size: number, length: number) {
    this.theirs = new Float32Array(length);
  }

  async mix(params: Float32Array, step: number, { comm, options }: GossipLink): Promise<void> {
    const partner = partnerOf(this.rank, this.size, step - 1);
    if (partner === this.rank) return;
    const theirs = this.theirs;
    await Promise.all([comm.send(partner, params, options), comm.recv(partner, theirs, options)]);
    for (let e = 0; e < params.length; e++) params[e] = (params[e]! + theirs[e]!) / 2;
  }
}
