/**
 * Shared-memory all-reduce, for ranks that are threads of one process (the threads transport's
 * arena): no messages, every rank reads its peers' data where they staged it.
 * R. L. Graham, G. Shipman, "MPI Support for Multi-core Architectures: Optimized Shared Memory
 * Collectives", EuroPVM/MPI 2008 (the reduce-scatter-in-place design of their shared-memory
 * reductions); staging slots double-buffered as in S. Li, T. Hoefler, M. Snir, "NUMA-Aware
 * Shared-Memory Collective Communication for MPI", HPDC 2013.
 *
 * The vector goes through the arena in chunks of one slot. Per chunk g, every rank:
 *   1. waits until every rank has copied chunk g-2's result out (the slots of g's parity are free),
 *      copies its chunk into its staging slot and publishes 'staged';
 *   2. waits for every rank's 'staged', reduces segment `rank` of all staging slots, in rank order,
 *      into the shared result slot, finishes it ('mean': divides) and publishes 'reduced';
 *   3. waits for every rank's 'reduced' and copies the whole result into its vector ('copied').
 * Each rank moves about three chunk lengths through memory plus its share of the reduction, and
 * waits three times per chunk; every rank copies the same result, so results are bit-identical.
 */
import type { ElementArray } from '../element-types.js';
import type { OpContext } from '../op-context.js';
import { segmentLength, segmentStart } from '../segments.js';
import type { ArenaOp, ArenaPhase, SharedArena } from '../shared-arena.js';

type View<T> = new (buffer: SharedArrayBuffer, byteOffset: number, length: number) => T;

export async function sharedMemoryAllReduce<T extends ElementArray<T> & { readonly BYTES_PER_ELEMENT: number }>(
  arena: SharedArena,
  ctx: OpContext,
  buf: T,
  combine: (into: T, from: T) => void,
  finish: ((part: T) => void) | null,
): Promise<void> {
  const { rank, size } = arena;
  if (size === 1 || buf.length === 0) {
    if (size === 1 && buf.length > 0) finish?.(buf);
    return;
  }
  const op: ArenaOp = { name: ctx.name, tag: ctx.tag, byteLength: buf.byteLength };
  const View = buf.constructor as View<T>;
  const bytesPerElement = buf.BYTES_PER_ELEMENT;
  const view = (byteOffset: number, length: number): T => new View(arena.memory, byteOffset, length);
  const perChunk = Math.floor(arena.slotBytes / bytesPerElement);
  const everyRank = async (phase: ArenaPhase, chunk: number): Promise<void> => {
    for (let peer = 0; peer < size; peer++) {
      if (peer === rank) continue;
      await ctx.waitingFor(`rank ${peer} (shared-memory ${phase} of chunk ${chunk})`, arena.awaitRank(peer, phase, chunk, op, ctx.signal));
    }
  };
  await arena.exclusive(async () => {
    try {
      for (let start = 0; start < buf.length; start += perChunk) {
        const length = Math.min(perChunk, buf.length - start);
        const chunk = arena.takeChunk();
        const parity = chunk & 1;
        await everyRank('copied', chunk - 2);
        view(arena.stagingOffset(rank, parity), length).set(buf.subarray(start, start + length));
        arena.publish('staged', chunk, op);

        await everyRank('staged', chunk);
        const from = segmentStart(length, size, rank);
        const count = segmentLength(length, size, rank);
        const offset = from * bytesPerElement;
        const reduced = view(arena.resultOffset(parity) + offset, count);
        reduced.set(view(arena.stagingOffset(0, parity) + offset, count));
        for (let peer = 1; peer < size; peer++) combine(reduced, view(arena.stagingOffset(peer, parity) + offset, count));
        finish?.(reduced);
        arena.publish('reduced', chunk, op);

        await everyRank('reduced', chunk);
        buf.set(view(arena.resultOffset(parity), length), start);
        arena.publish('copied', chunk, op);
      }
    } catch (error) {
      // Peers may be mid-chunk: the arena's counters no longer agree between ranks.
      arena.poison(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  });
  // As a ring would count: what peers read of this rank's data, and what it read of theirs.
  const moved = (2 * (size - 1) * buf.byteLength) / size;
  ctx.countInPlace(moved, moved);
}
