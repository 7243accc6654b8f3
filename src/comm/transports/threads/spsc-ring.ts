/**
 * A single-producer single-consumer byte ring in a SharedArrayBuffer: one per ordered pair of
 * ranks. Layout: control words (write counter, read counter, each on its own cache line), then
 * `capacity` data bytes (a power of two). Counters run modulo 2^32; a message is a 16-byte header
 * (tag, length) then the payload padded to 16 bytes, so headers never wrap and float payloads
 * stay 4-byte aligned. The producer publishes in chunks, so the consumer reduces chunk k while
 * chunk k+1 is being written: large messages are pipelined without any per-message copy.
 */
import { LoomError, PeerGoneError } from '../../../util/errors.js';
import type { MessageSink } from '../inbox.js';
import { waitForChange, type WaitControl } from './wait.js';

const HEAD = 0; // bytes written (producer)
const TAIL = 16; // bytes consumed (consumer), 64 bytes away from HEAD
const FLAGS = 32; // PRODUCER_CLOSED | CONSUMER_CLOSED, on a third cache line
const PRODUCER_CLOSED = 1;
const CONSUMER_CLOSED = 2;
const CONTROL_BYTES = 192;
const HEADER_BYTES = 16;

export function ringBufferBytes(capacity: number): number {
  return CONTROL_BYTES + capacity;
}

export function checkRingCapacity(capacity: number): void {
  if (!Number.isInteger(capacity) || capacity < 4096 || capacity > 2 ** 30 || (capacity & (capacity - 1)) !== 0) {
    throw new LoomError(`threads transport ring size must be a power of two between 4 KiB and 1 GiB, got ${capacity}`);
  }
}

class RingView {
  protected readonly control: Int32Array;
  protected readonly data: Uint8Array;
  protected readonly words: Uint32Array;
  protected readonly mask: number;

  /** `peer`: the rank at the other end, for error messages. */
  constructor(buffer: SharedArrayBuffer, protected readonly capacity: number, protected readonly peer: number) {
    this.control = new Int32Array(buffer, 0, CONTROL_BYTES / 4);
    this.data = new Uint8Array(buffer, CONTROL_BYTES, capacity);
    this.words = new Uint32Array(buffer, CONTROL_BYTES, capacity / 4);
    this.mask = capacity - 1;
  }

  protected used(): number {
    return (Atomics.load(this.control, HEAD) - Atomics.load(this.control, TAIL)) >>> 0;
  }

  /** Marks this end closed and wakes every waiter on the ring, in both threads. */
  close(): void {
    Atomics.or(this.control, FLAGS, this instanceof RingWriter ? PRODUCER_CLOSED : CONSUMER_CLOSED);
    Atomics.notify(this.control, HEAD);
    Atomics.notify(this.control, TAIL);
  }

  /** Wait control that also stops when the other end has closed (flag: which end to watch). */
  protected watching(control: WaitControl, otherEnd: number): WaitControl {
    return {
      ...control,
      stopped: () => control.stopped() ?? ((Atomics.load(this.control, FLAGS) & otherEnd) !== 0 ? new PeerGoneError(`rank ${this.peer} closed its threads transport`) : null),
    };
  }
}

export class RingWriter extends RingView {
  constructor(buffer: SharedArrayBuffer, capacity: number, peer: number, private readonly chunkBytes: number) {
    super(buffer, capacity, peer);
  }

  async write(tag: number, payload: Uint8Array, outerControl: WaitControl): Promise<void> {
    // A writer never spins: while it waits for space, this thread's own reads must run, or two
    // ranks each filling the other's ring would spin against each other.
    const control = this.watching({ ...outerControl, spinMicros: 0 }, CONSUMER_CLOSED);
    const stop = control.stopped();
    if (stop) throw stop;
    // No await unless the ring is full: a small message is written before this call returns, so a
    // receive posted right after it (an exchange) finds the data already on its way.
    let head = Atomics.load(this.control, HEAD);
    if (!this.hasSpace(HEADER_BYTES, head)) await this.waitForSpace(HEADER_BYTES, head, control);
    const at = (head & this.mask) / 4;
    this.words[at] = tag;
    this.words[at + 1] = payload.length;
    head = (head + HEADER_BYTES) | 0;
    let offset = 0;
    while (offset < payload.length) {
      let free = this.freeFrom(head);
      if (free === 0) {
        this.publish(head); // let the consumer drain what is there
        await this.waitForSpace(16, head, control);
        free = this.freeFrom(head);
      }
      const pos = head & this.mask;
      const n = Math.min(free, payload.length - offset, this.capacity - pos, this.chunkBytes);
      this.data.set(payload.subarray(offset, offset + n), pos);
      head = (head + n) | 0;
      offset += n;
      this.publish(head);
    }
    const padding = (16 - (head & 15)) & 15;
    if (padding > 0) {
      if (!this.hasSpace(padding, head)) await this.waitForSpace(padding, head, control);
      head = (head + padding) | 0;
    }
    this.publish(head);
  }

  private hasSpace(bytes: number, head: number): boolean {
    return this.capacity - ((head - Atomics.load(this.control, TAIL)) >>> 0) >= bytes;
  }

  /** Free bytes in whole 16-byte units, so that chunks of float payloads stay 4-byte multiples. */
  private freeFrom(head: number): number {
    return (this.capacity - ((head - Atomics.load(this.control, TAIL)) >>> 0)) & ~15;
  }

  private publish(head: number): void {
    Atomics.store(this.control, HEAD, head);
    Atomics.notify(this.control, HEAD);
  }

  private async waitForSpace(bytes: number, head: number, control: WaitControl): Promise<void> {
    for (;;) {
      const tail = Atomics.load(this.control, TAIL);
      if (this.hasSpace(bytes, head)) return;
      await waitForChange(this.control, TAIL, tail, control);
    }
  }
}

export class RingReader extends RingView {
  async readHeader(outerControl: WaitControl): Promise<{ tag: number; length: number }> {
    const control = this.watching(outerControl, PRODUCER_CLOSED);
    await this.waitForData(HEADER_BYTES, control);
    const tail = Atomics.load(this.control, TAIL);
    const at = (tail & this.mask) / 4;
    const header = { tag: this.words[at], length: this.words[at + 1] };
    this.consume(tail, HEADER_BYTES);
    return header;
  }

  /** Streams `length` payload bytes into `sink` as they are published, then skips the padding. */
  async readPayload(length: number, sink: MessageSink, outerControl: WaitControl): Promise<void> {
    const control = this.watching(outerControl, PRODUCER_CLOSED);
    let left = length;
    while (left > 0) {
      await this.waitForData(1, control);
      const tail = Atomics.load(this.control, TAIL);
      const pos = tail & this.mask;
      const n = Math.min(this.used(), left, this.capacity - pos);
      sink.write(this.data.subarray(pos, pos + n), false);
      this.consume(tail, n);
      left -= n;
    }
    const tail = Atomics.load(this.control, TAIL);
    const padding = (16 - (tail & 15)) & 15;
    if (padding > 0) {
      await this.waitForData(padding, control);
      this.consume(tail, padding);
    }
  }

  private consume(tail: number, bytes: number): void {
    Atomics.store(this.control, TAIL, (tail + bytes) | 0);
    Atomics.notify(this.control, TAIL);
  }

  private async waitForData(bytes: number, control: WaitControl): Promise<void> {
    for (;;) {
      const head = Atomics.load(this.control, HEAD);
      if (((head - Atomics.load(this.control, TAIL)) >>> 0) >= bytes) return;
      await waitForChange(this.control, HEAD, head, control);
    }
  }
}
