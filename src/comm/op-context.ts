/**
 * One running communicator operation: its tag, its abort signal (timeout and caller's signal),
 * its traffic counts, and the peers it is waiting on right now, so a timeout can say whom it
 * waited for.
 */
import { LoomError } from '../util/errors.js';
import { byteView, type CommArray } from './element-types.js';
import type { ReducingLink } from './link.js';
import type { TrafficRecorder } from './stats.js';
import type { Transport } from './transport.js';

export class OpContext implements ReducingLink {
  readonly rank: number;
  readonly size: number;
  private readonly waits = new Map<number, string>();
  private nextWait = 0;

  constructor(
    readonly name: string,
    private readonly transport: Transport,
    readonly tag: number,
    readonly signal: AbortSignal,
    private readonly traffic: TrafficRecorder,
    readonly now: () => number,
  ) {
    this.rank = transport.rank;
    this.size = transport.size;
  }

  /** "rank 1 (recv of 4096 bytes), rank 3 (send of 4096 bytes)", or '' when waiting on nobody. */
  describeWaits(): string {
    return [...this.waits.values()].join(', ');
  }

  /** Any element type: the transport moves its bytes (float32 and bytes go as they are). */
  async send(to: number, data: CommArray): Promise<void> {
    const id = this.wait(`rank ${to} (send of ${data.byteLength} bytes)`);
    try {
      await this.transport.send(to, this.tag, byteView(data), { signal: this.signal });
    } finally {
      this.waits.delete(id);
    }
    this.traffic.sent(data.byteLength);
  }

  recv(from: number, into: CommArray): Promise<void> {
    return this.receiveExactly(from, byteView(into), false);
  }

  /** Float32 sum: the transport adds the message into `into` as it arrives (the fast path). */
  recvReduce(from: number, into: Float32Array): Promise<void> {
    return this.receiveExactly(from, into, true);
  }

  /** Receives up to into.byteLength bytes; resolves with the byte count. */
  async receive(from: number, into: Float32Array | Uint8Array, accumulate: boolean, deferClock?: (arrival: number) => void): Promise<number> {
    const id = this.wait(`rank ${from} (recv of ${into.byteLength} bytes)`);
    let bytes: number;
    try {
      bytes = await this.transport.recv(from, this.tag, into, { signal: this.signal, accumulate, ...(deferClock ? { deferClock } : {}) });
    } finally {
      this.waits.delete(id);
    }
    this.traffic.received(bytes);
    return bytes;
  }

  /** Traffic of a collective that reads its peers' memory in place (shared-memory algorithms). */
  countInPlace(sentBytes: number, receivedBytes: number): void {
    this.traffic.sent(sentBytes);
    this.traffic.received(receivedBytes);
  }

  /** Runs `work` while naming what it waits for, so that a timeout says whom this rank waited on. */
  async waitingFor<T>(description: string, work: Promise<T>): Promise<T> {
    const id = this.wait(description);
    try {
      return await work;
    } finally {
      this.waits.delete(id);
    }
  }

  private async receiveExactly(from: number, into: Float32Array | Uint8Array, accumulate: boolean): Promise<void> {
    const bytes = await this.receive(from, into, accumulate);
    if (bytes !== into.byteLength) {
      throw new LoomError(`${this.name} on rank ${this.rank}: rank ${from} sent ${bytes} bytes where ${into.byteLength} were expected (do all ranks pass buffers of the same length?)`);
    }
  }

  private wait(description: string): number {
    const id = this.nextWait++;
    this.waits.set(id, description);
    return id;
  }
}
