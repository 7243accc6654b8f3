/**
 * The point-to-point seam every collective is built on. A transport moves tagged byte messages
 * between ranks of one job; matching is by (peer, tag) in posting order, so messages with
 * different tags never mix and messages with the same tag arrive in the order they were sent.
 *
 * Buffering contract (as MPI's standard-mode send): `send` resolves once `data` may be reused, and
 * it may wait until the peer has posted the matching `recv` (typically for messages over a few
 * tens of KiB). Post the send and the recv of an exchange together (`Promise.all`), never
 * `await send` before posting the recv that the peer's send needs.
 */
import type { SharedArena } from './shared-arena.js';

export type Payload = Uint8Array | Float32Array;

export interface TransferOptions {
  /** Aborting rejects the pending transfer; the transport stays usable only for other tags. */
  signal?: AbortSignal;
}

export interface RecvOptions extends TransferOptions {
  /** Add the incoming float32 values into `into` instead of overwriting it (`into` must be a Float32Array). */
  accumulate?: boolean;
  /**
   * Simulated clocks only: leave the receiver's clock where it is and report the message's arrival
   * time here instead (a server that takes the first k of n messages by arrival, then moves its
   * clock with `advanceClock`). Transports on real clocks ignore it.
   */
  deferClock?: (arrivalSeconds: number) => void;
}

export interface Transport {
  readonly rank: number;
  readonly size: number;
  send(to: number, tag: number, data: Payload, options?: TransferOptions): Promise<void>;
  /** Resolves with the number of bytes received; a message longer than `into` is an error. */
  recv(from: number, tag: number, into: Payload, options?: RecvOptions): Promise<number>;
  close(): Promise<void>;
  /** Seconds on this rank's clock. Virtual transports return simulated time; absent means wall time. */
  readonly now?: () => number;
  /** Simulated clocks only: move this rank's clock forward to `seconds` (never back). */
  readonly advanceClock?: (seconds: number) => void;
  /**
   * Simulated clocks only: the transport of this rank's communication thread, which shares the
   * rank's links but keeps a clock of its own, so that what it sends overlaps the rank's compute.
   * Its tags are the rank's: give it a tag space of its own (a SubTransport context).
   */
  readonly commStream?: () => Transport;
  /**
   * Simulated clocks only: resolves when `seconds` is the earliest pending event of the whole
   * world (every rank's earlier events have run), with this rank's clock at `seconds`. Asynchronous
   * protocols order their actions on shared state by it (virtual/event-queue.ts).
   */
  readonly waitUntil?: (seconds: number) => Promise<void>;
  /** Ranks that share memory (threads of one process): the world's arena, for shared-memory collectives. */
  readonly sharedArena?: SharedArena;
}

/** Tags are unsigned 32-bit; the top bit is reserved for collectives (see tags.ts). */
export const MAX_TAG = 0xffffffff;

export function bytesOf(data: Payload): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
