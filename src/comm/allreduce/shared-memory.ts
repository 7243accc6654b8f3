/**
 * Shared-memory all-reduce, for ranks that are threads of one process (the threads transport's
 * arena): no messages, every rank reads its peers' data where they staged it.
 * R. L. Graham, G. Shipman, "MPI Support for Multi-core Architectures: Optimized Shared Memory
 * Collectives", EuroPVM/MPI 2008 (the reduce-scatter-in-place design of their shared-memory
 * reductions); staging slots double-buffered as in S. Li, T. Hoefler, M. Snir, "NUMA-Aware
 * Shared-Memory Collective Communication for MPI", HPDC 2013.
 *
 * The vector goes through the arena in chunks of one slot. Per chunk g, every rank:
 *   1. waits until every rank has copied chunk g-2 out (the slots of g's parity are free again),
 *      copies its chunk into its staging slot and publishes 'staged';
 *   2. waits for every rank's 'staged' and adds segment `rank` of every other rank's slot into
 *      segment `rank` of its own slot (no rank but this one reads that segment), then finishes it
 *      ('mean': divides) and publishes 'reduced';
 *   3. waits for every rank's 'reduced' and copies each rank's reduced segment into its vector.
 * Each rank moves about two chunk lengths through memory plus its share of the reduction, and
 * waits three times per chunk. Each segment is reduced once, by its owner, in a fixed order (its
 * own values, then the others' by rank), and every rank copies those same values: results are
 * bit-identical on every rank.
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
        const offset = segmentStart(length, size, rank) * bytesPerElement;
        const count = segmentLength(length, size, rank);
        const own = view(arena.stagingOffset(rank, parity) + offset, count);
        for (let peer = 0; peer < size; peer++) if (peer !== rank) combine(own, view(arena.stagingOffset(peer, parity) + offset, count));
        finish?.(own);
        arena.publish('reduced', chunk, op);

        await everyRank('reduced', chunk);
        for (let owner = 0; owner < size; owner++) {
          const from = segmentStart(length, size, owner);
          buf.set(view(arena.stagingOffset(owner, parity) + from * bytesPerElement, segmentLength(length, size, owner)), start + from);
        }
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
