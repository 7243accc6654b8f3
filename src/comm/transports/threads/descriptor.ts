/**
 * The shared state of a threads world, created once on the main thread and handed to each worker
 * (via workerData or postMessage: SharedArrayBuffers are shared, not copied). It holds one SPSC
 * ring per ordered pair of ranks, and the arena that shared-memory collectives read in place.
 */
import { availableParallelism } from 'node:os';
import { LoomError } from '../../../util/errors.js';
import { arenaBufferBytes, checkArenaSlotBytes } from './arena.js';
import { checkRingCapacity, ringBufferBytes } from './spsc-ring.js';

export interface ThreadsTransportDescriptor {
  readonly kind: 'loom-threads-transport';
  readonly version: 1;
  readonly size: number;
  readonly ringBytes: number;
  /** Bytes the producer copies before publishing (the pipelining grain). */
  readonly chunkBytes: number;
  /** Microseconds a waiting reader spins before it yields to its event loop. */
  readonly spinMicros: number;
  /** rings[from * size + to]; null on the diagonal. */
  readonly rings: readonly (SharedArrayBuffer | null)[];
  /** The shared-memory arena (arena.ts) and the bytes of each of its slots. */
  readonly arena: SharedArrayBuffer;
  readonly arenaSlotBytes: number;
  /** Microseconds a rank waiting on the arena spins before it yields to its event loop. */
  readonly arenaSpinMicros: number;
}

export interface ThreadsWorldOptions {
  /** Data bytes per ordered pair (power of two; default 4 MiB up to 4 ranks, 1 MiB above). */
  ringBytes?: number;
  chunkBytes?: number;
  /** Default: 20 when every rank can have its own core (size <= availableParallelism()), else 0. */
  spinMicros?: number;
  /** Bytes of each arena slot, the grain of shared-memory collectives (default 1 MiB; 2 slots per rank). */
  arenaSlotBytes?: number;
  /**
   * Default: 1000 when every rank can have its own core, else 0. A rank waiting for its peers in a
   * shared-memory collective spins up to this long (adaptively, see arena.ts), because a wake-up through the event loop costs tens
   * to hundreds of microseconds on a loaded machine, more than the whole exchange of a small vector.
   */
  arenaSpinMicros?: number;
}

export function createThreadsDescriptor(size: number, options: ThreadsWorldOptions = {}): ThreadsTransportDescriptor {
  if (!Number.isInteger(size) || size < 1) throw new LoomError(`threads world size must be a positive integer, got ${size}`);
  const ringBytes = options.ringBytes ?? (size <= 4 ? 4 << 20 : 1 << 20);
  checkRingCapacity(ringBytes);
  const chunkBytes = options.chunkBytes ?? 128 * 1024;
  if (!Number.isInteger(chunkBytes) || chunkBytes < 16 || chunkBytes % 16 !== 0) {
    throw new LoomError(`threads transport chunkBytes must be a positive multiple of 16, got ${chunkBytes}`);
  }
  const rings: (SharedArrayBuffer | null)[] = [];
  for (let from = 0; from < size; from++) {
    for (let to = 0; to < size; to++) rings.push(from === to ? null : new SharedArrayBuffer(ringBufferBytes(ringBytes)));
  }
  const everyRankHasACore = size <= availableParallelism();
  const spinMicros = options.spinMicros ?? (everyRankHasACore ? 20 : 0);
  const arenaSlotBytes = options.arenaSlotBytes ?? 1 << 20;
  checkArenaSlotBytes(arenaSlotBytes);
  const arenaSpinMicros = options.arenaSpinMicros ?? (everyRankHasACore ? 1000 : 0);
  const arena = new SharedArrayBuffer(arenaBufferBytes(size, arenaSlotBytes));
  return { kind: 'loom-threads-transport', version: 1, size, ringBytes, chunkBytes, spinMicros, rings, arena, arenaSlotBytes, arenaSpinMicros };
}

export function checkDescriptor(value: unknown, rank: number): ThreadsTransportDescriptor {
  const d = value as ThreadsTransportDescriptor | null;
  if (!d || d.kind !== 'loom-threads-transport' || d.version !== 1 || d.rings.length !== d.size * d.size || !(d.arena instanceof SharedArrayBuffer)) {
    throw new LoomError('not a threads transport descriptor (create it with createThreadsDescriptor on the main thread)');
  }
  if (!Number.isInteger(rank) || rank < 0 || rank >= d.size) throw new LoomError(`threads transport rank ${rank} is outside world size ${d.size}`);
  return d;
}
