/**
 * A transport over a subset of another transport's ranks (the ground of a sub-communicator, as
 * MPI_Comm_split gives one): rank i of the subset is `ranks[i]` of the parent, and every tag is
 * moved into a space of its own, keyed by a context id (1..127) the creator picks, so collectives
 * and messages of the sub-communicator never mix with the parent's or another subset's.
 *
 * Tag spaces (32 bits): the parent's user tags are below 2^30 and its collective tags are
 * 0x80000000 | seq (24 bits). A subset's collective tags put its context in bits 24-30; its user
 * tags (below 2^23) get bit 30 and the context in bits 23-29.
 */
import { LoomError, showValue } from '../../util/errors.js';
import type { Payload, RecvOptions, TransferOptions, Transport } from '../transport.js';

const COLLECTIVE_BIT = 0x80000000;
const SUBSET_USER_BIT = 0x40000000;
const MAX_CONTEXT = 127;
const MAX_SUBSET_USER_TAG = 0x7fffff;

export class SubTransport implements Transport {
  readonly rank: number;
  readonly size: number;
  readonly now: (() => number) | undefined;
  readonly advanceClock: ((seconds: number) => void) | undefined;
  readonly waitUntil: ((seconds: number) => Promise<void>) | undefined;

  constructor(private readonly parent: Transport, readonly ranks: readonly number[], private readonly context: number) {
    if (!Number.isInteger(context) || context < 1 || context > MAX_CONTEXT) throw new LoomError(`sub-communicator context must be an integer in 1..${MAX_CONTEXT}, got ${showValue(context)}`);
    if (new Set(ranks).size !== ranks.length || ranks.some((r) => !Number.isInteger(r) || r < 0 || r >= parent.size)) {
      throw new LoomError(`sub-communicator ranks must be distinct ranks of the ${parent.size}-rank job, got ${showValue(ranks)}`);
    }
    this.rank = ranks.indexOf(parent.rank);
    if (this.rank < 0) throw new LoomError(`rank ${parent.rank} is not in the sub-communicator of ranks ${showValue(ranks)}`);
    this.size = ranks.length;
    this.now = parent.now;
    this.advanceClock = parent.advanceClock;
    this.waitUntil = parent.waitUntil;
  }

  send(to: number, tag: number, data: Payload, options?: TransferOptions): Promise<void> {
    return this.parent.send(this.parentRank(to), this.parentTag(tag), data, options);
  }

  recv(from: number, tag: number, into: Payload, options?: RecvOptions): Promise<number> {
    return this.parent.recv(this.parentRank(from), this.parentTag(tag), into, options);
  }

  /** The parent transport stays open: it belongs to whoever made it. */
  async close(): Promise<void> {}

  private parentRank(rank: number): number {
    const parentRank = this.ranks[rank];
    if (parentRank === undefined) throw new LoomError(`rank ${showValue(rank)} is not a rank of this ${this.size}-rank sub-communicator`);
    return parentRank;
  }

  private parentTag(tag: number): number {
    if ((tag & COLLECTIVE_BIT) !== 0) return (COLLECTIVE_BIT | (this.context << 24) | (tag & 0xffffff)) >>> 0;
    if (tag > MAX_SUBSET_USER_TAG) throw new LoomError(`a sub-communicator's message tags are below 2^23, got ${tag}`);
    return (SUBSET_USER_BIT | (this.context << 23) | tag) >>> 0;
  }
}
