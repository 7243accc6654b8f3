/**
 * A rank's exchange in Stochastic Gradient Push (Assran, Loizou, Ballas, Rabbat, "Stochastic
 * Gradient Push for Distributed Deep Learning", ICML 2019), mapped onto the synchronous loop.
 *
 * The paper keeps a numerator x_i and a push-sum weight w_i, takes gradients at the de-biased
 * model z_i = x_i / w_i and steps x_i. Here the model's parameters are z_i between steps, so the
 * loop's gradient is taken at z_i; after the optimizer step (on z_i) the exchange forms x_i = w_i z_i,
 * mixes y = [x_i, w_i] by push-sum (push-sum.ts) and sets the parameters to x_i / w_i. The step
 * thus moves x_i by w_i times the paper's step; with the exponential schedule of push-sum.ts w_i
 * is exactly 1 at every step, so it is the paper's update, and a checkpoint (which holds z_i) needs
 * no weight: a resumed rank starts again from w_i = 1.
 */
import type { Gossip, GossipLink } from './gossip-group.js';
import { keepAndAdd, pushPeers, pushShare } from './push-sum.js';

export class PushSumGossip implements Gossip {
  /** [x, w]: the push-sum numerator and weight, mixed alike. */
  private readonly y: Float32Array;
  private readonly share: Float32Array;
  private readonly inbox: Float32Array[];
  private w = 1;

  constructor(private readonly rank: number, private readonly size: number, length: number, private readonly peersPerStep: number) {
    this.y = new Float32Array(length + 1);
    this.share = new Float32Array(length + 1);
    this.inbox = Array.from({ length: peersPerStep }, () => new Float32Array(length + 1));
  }

  /**
   * The push-sum weight: the exact average (evaluated, and kept at the end) is
   * sum_i w_i z_i / sum_i w_i = sum_i x_i / sum_i w_i.
   */
  weight(): number {
    return this.w;
  }

  async mix(params: Float32Array, step: number, { comm, options }: GossipLink): Promise<void> {
    const { to, from } = pushPeers(this.rank, this.size, step - 1, this.peersPerStep);
    const { y, share } = this;
    const length = params.length;
    for (let e = 0; e < length; e++) y[e] = this.w * params[e]!;
    y[length] = this.w;
    pushShare(share, y, to.length);
    const received = this.inbox.slice(0, from.length);
    await Promise.all([...to.map((k) => comm.send(k, share, options)), ...from.map((j, i) => comm.recv(j, received[i]!, options))]);
    keepAndAdd(y, share, to.length, received);
    this.w = y[length]!;
    for (let e = 0; e < length; e++) params[e] = y[e]! / this.w;
  }
}
