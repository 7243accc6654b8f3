/**
 * What a collective algorithm sees of the world: its rank, the size, and float32 messages to and
 * from peers under the collective's own tag. `recv` and `recvAdd` expect a message of exactly the
 * receive buffer's length (a mismatch means ranks passed different buffer sizes).
 */
export interface Link {
  readonly rank: number;
  readonly size: number;
  send(to: number, data: Float32Array): Promise<void>;
  recv(from: number, into: Float32Array): Promise<void>;
  /** `into += message`, element-wise, as the bytes arrive. */
  recvAdd(from: number, into: Float32Array): Promise<void>;
  /** Seconds on the transport's clock (simulated on virtual transports). */
  now(): number;
}
