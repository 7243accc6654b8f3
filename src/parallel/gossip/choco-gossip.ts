/**
 * CHOCO-SGD's compressed gossip (Koloskova, Stich, Jaggi, "Decentralized Stochastic Optimization
 * and Gossip Algorithms with Compressed Communication", ICML 2019, Algorithm 2 in its
 * memory-efficient form): every rank i keeps a public copy x^_i of its model, which its neighbours
 * track exactly, and s_i = sum_j W_ij x^_j. After the local step,
 *
 *   q_i = Q(x_i - x^_i)                           compressed, sent to every neighbour
 *   x^_i <- x^_i + q_i,  s_i <- s_i + sum_j W_ij q_j   (j over the neighbours and i)
 *   x_i <- x_i + gamma (s_i - x^_i)               gamma: the consensus step size
 *
 * Only the compressed difference between a model and its public copy travels; what Q drops stays
 * in that difference and is sent later, so the public copies play the part of error feedback (a
 * compressor's own error feedback is refused). The public copies start at the common starting model
 * (the paper starts them at 0; any value every rank agrees on works, and this one makes the first
 * differences small). Every rank adds the terms in rank order, so a run is reproducible.
 */
import type { Communicator } from '../../comm/index.js';
import { maxPackedBytes, packEncoding, unpackEncoding, type Compressor, type Encoding } from '../../compress/index.js';
import { LoomError } from '../../util/errors.js';
import { LocalWork } from '../compression/local-work.js';
import type { Gossip, GossipLink } from './gossip-group.js';
import { peersOf, type MixingMatrix } from './mixing.js';

/** Keys of CHOCO's buffers in a rank's checkpointed strategy state. */
const PUBLIC_KEY = 'chocoPublic';
const MIXED_KEY = 'chocoMixed';
const COMPRESSOR_KEY = 'compressor';

export class ChocoGossip implements Gossip {
  /** x^_i: this rank's public copy. */
  private readonly publicCopy: Float32Array;
  /** s_i = sum_j W_ij x^_j, this rank's row of the public copies mixed. */
  private readonly mixed: Float32Array;
  private readonly difference: Float32Array;
  private readonly decoded: Float32Array;
  private readonly to: readonly number[];
  /** W_rank,j for j ascending, this rank included: the fixed order in which the q_j are added. */
  private readonly terms: readonly { readonly rank: number; readonly weight: number }[];
  /** The compressor's and the mixing's compute, charged to a simulated clock. */
  private work: LocalWork | null = null;

  constructor(
    mixing: MixingMatrix,
    private readonly rank: number,
    private readonly compressor: Compressor,
    private readonly gamma: number,
    start: Float32Array,
    resumed: Readonly<Record<string, Float32Array>> | null,
  ) {
    const { from, to } = peersOf(mixing, rank);
    this.to = to;
    const row = mixing[rank]!;
    this.terms = [...from, rank].sort((a, b) => a - b).map((j) => ({ rank: j, weight: row[j]! }));
    this.publicCopy = Float32Array.from(resumed?.[PUBLIC_KEY] ?? start);
    // W is row-stochastic, so s_i of copies that all equal the start is the start.
    this.mixed = Float32Array.from(resumed?.[MIXED_KEY] ?? start);
    const saved = resumed?.[COMPRESSOR_KEY];
    if (saved) compressor.loadState(saved);
    this.difference = new Float32Array(start.length);
    this.decoded = new Float32Array(start.length);
  }

  async mix(params: Float32Array, step: number, { comm, options }: GossipLink): Promise<void> {
    const work = (this.work ??= new LocalWork(comm));
    const { own, packed } = work.run(() => this.encode(params, step));
    const received = new Map<number, Uint8Array>();
    await Promise.all([
      ...this.to.map((k) => sendSized(comm, k, packed, options)),
      ...this.terms.filter((t) => t.rank !== this.rank).map(async ({ rank }) => received.set(rank, await receiveSized(comm, rank, maxPackedBytes(params.length), options))),
    ]);
    work.run(() => this.update(params, own, received));
  }

  /** q_i = Q(x_i - x^_i), and its bytes for the wire. */
  private encode(params: Float32Array, step: number): { own: Encoding; packed: Uint8Array } {
    const { publicCopy, difference } = this;
    for (let e = 0; e < params.length; e++) difference[e] = params[e]! - publicCopy[e]!;
    const own = this.compressor.encode(difference, step);
    return { own, packed: packEncoding(own) };
  }

  /** x^_i += q_i, s_i += sum_j W_ij q_j (in rank order), x_i += gamma (s_i - x^_i). */
  private update(params: Float32Array, own: Encoding, received: ReadonlyMap<number, Uint8Array>): void {
    const { publicCopy, mixed, decoded } = this;
    for (const { rank, weight } of this.terms) {
      this.compressor.decode(rank === this.rank ? own : unpackEncoding(received.get(rank)!, `rank ${rank}`), decoded);
      if (rank === this.rank) for (let e = 0; e < decoded.length; e++) publicCopy[e]! += decoded[e]!;
      for (let e = 0; e < decoded.length; e++) mixed[e]! += weight * decoded[e]!;
    }
    const gamma = this.gamma;
    for (let e = 0; e < params.length; e++) params[e]! += gamma * (mixed[e]! - publicCopy[e]!);
  }

  /** The buffers a checkpoint keeps, named as the constructor's `resumed` expects them. */
  state(): Record<string, Float32Array> {
    const compressor = this.compressor.saveState();
    return { [PUBLIC_KEY]: this.publicCopy.slice(), [MIXED_KEY]: this.mixed.slice(), ...(compressor ? { [COMPRESSOR_KEY]: compressor } : {}) };
  }
}

/** A byte string of any length: its length first, then the bytes (messages on one tag arrive in order). */
async function sendSized(comm: Communicator, to: number, bytes: Uint8Array, options: GossipLink['options']): Promise<void> {
  await comm.send(to, new Uint8Array(Uint32Array.of(bytes.byteLength).buffer), options);
  await comm.send(to, bytes, options);
}

async function receiveSized(comm: Communicator, from: number, max: number, options: GossipLink['options']): Promise<Uint8Array> {
  const length = new Uint8Array(4);
  await comm.recv(from, length, options);
  const announced = new Uint32Array(length.buffer)[0]!;
  if (announced > max) throw new LoomError(`rank ${from} announced a compressed encoding of ${announced} bytes, more than the ${max} a model of this size can need`);
  const bytes = new Uint8Array(announced);
  const received = await comm.recv(from, bytes, options);
  return bytes.subarray(0, received);
}
