/**
 * Memory that every rank of a world maps, when the ranks are threads of one process: the
 * counterpart of MPI-3's shared-memory windows (MPI_Win_allocate_shared). Collectives that use it
 * read their peers' data in place instead of sending it (allreduce/shared-memory.ts).
 *
 * Layout: each rank owns two staging slots of `slotBytes` (double buffering: a rank may stage
 * chunk g+1 while slower peers still read chunk g).
 * Progress is published per rank and per phase as a chunk counter that only grows; a rank waits
 * for every rank's counter to reach a chunk before it touches what that phase produced.
 */
export type ArenaPhase = 'staged' | 'reduced' | 'copied';

export interface SharedArena {
  readonly rank: number;
  readonly size: number;
  /** The memory every rank maps. */
  readonly memory: SharedArrayBuffer;
  /** Bytes of one slot: the grain a collective is cut into (a multiple of 64). */
  readonly slotBytes: number;
  /** Byte offset in `memory` of rank `rank`'s staging slot `parity` (0 or 1). */
  stagingOffset(rank: number, parity: number): number;
  /**
   * Runs `body` once every collective this rank started on the arena earlier has settled, so that
   * collectives in flight at once (DDP's buckets) use it one after another, in call order. Every
   * rank must call them in the same order (as for any collective).
   */
  exclusive<T>(body: () => Promise<T>): Promise<T>;
  /** The next chunk number of this rank (every rank counts the same chunks). */
  takeChunk(): number;
  /** Tells every rank that this rank has finished `phase` of `chunk`, for the collective `op` (its tag and byte length). */
  publish(phase: ArenaPhase, chunk: number, op: ArenaOp): void;
  /**
   * Resolves once rank `peer` has finished `phase` of `chunk`. Rejects when a rank closed its
   * transport, `signal` aborts, or the peer staged another collective (a different tag or length).
   */
  awaitRank(peer: number, phase: ArenaPhase, chunk: number, op: ArenaOp, signal: AbortSignal): Promise<void>;
  /** After a collective failed half-way: every later use is refused with `error`. */
  poison(error: Error): void;
}

export interface ArenaOp {
  readonly name: string;
  readonly tag: number;
  readonly byteLength: number;
}
