/**
 * What a collective algorithm sees of the world: its rank, the size, and messages of typed-array
 * elements to and from peers under the collective's own tag. `recv` and `recvReduce` expect a
 * message of exactly the receive buffer's length (a mismatch means ranks passed different sizes).
 * Algorithms that only move data take a `Link`; those that reduce take a `ReducingLink`.
 */
import type { ElementArray } from './element-types.js';

export interface Link<T extends ElementArray<T> = Float32Array> {
  readonly rank: number;
  readonly size: number;
  send(to: number, data: T): Promise<void>;
  recv(from: number, into: T): Promise<void>;
  /** Seconds on the transport's clock (simulated on virtual transports). */
  now(): number;
}

export interface ReducingLink<T extends ElementArray<T> = Float32Array> extends Link<T> {
  /**
   * `into = into ⊕ message`, element-wise, for the operation's reduction ⊕: float32 sum on a plain
   * OpContext (added by the transport as the bytes arrive), anything else through combining-link.ts.
   */
  recvReduce(from: number, into: T): Promise<void>;
}
