/**
 * Transport between worker_threads of one process through SharedArrayBuffer rings. A send copies
 * the payload into the pair's ring once; the receiver copies (or adds) straight from the ring into
 * the receive buffer. One pump per source reads that ring while receives from it are waiting.
 * Shared-memory collectives use the world's arena instead (`sharedArena`).
 */
import { LoomError } from '../../../util/errors.js';
import { bytesOf, type Payload, type RecvOptions, type TransferOptions, type Transport } from '../../transport.js';
import { checkPeer, checkTag } from '../checks.js';
import { abortError, Inbox } from '../inbox.js';
import { checkDescriptor, type ThreadsTransportDescriptor } from './descriptor.js';
import { ThreadsArena } from './arena.js';
import { RingReader, RingWriter } from './spsc-ring.js';
import type { WaitControl } from './wait.js';

export class ThreadsTransport implements Transport {
  readonly size: number;
  readonly sharedArena: ThreadsArena;
  private readonly writers: (RingWriter | null)[] = [];
  private readonly readers: (RingReader | null)[] = [];
  private readonly inboxes: Inbox[] = [];
  private readonly sendQueues: Promise<void>[] = [];
  private readonly brokenPairs: (Error | null)[] = [];
  private readonly pumping: boolean[] = [];
  private readonly spinMicros: number;
  private closedError: LoomError | null = null;
  private readonly stopped = (): Error | null => this.closedError;

  constructor(descriptor: ThreadsTransportDescriptor, readonly rank: number) {
    const d = checkDescriptor(descriptor, rank);
    this.size = d.size;
    this.spinMicros = d.spinMicros;
    this.sharedArena = new ThreadsArena(d.arena, rank, d.size, d.arenaSlotBytes, d.arenaSpinMicros);
    for (let peer = 0; peer < d.size; peer++) {
      const out = d.rings[rank * d.size + peer];
      const incoming = d.rings[peer * d.size + rank];
      this.writers.push(out ? new RingWriter(out, d.ringBytes, peer, d.chunkBytes) : null);
      this.readers.push(incoming ? new RingReader(incoming, d.ringBytes, peer) : null);
      const inbox = new Inbox(`rank ${peer} (threads, to rank ${rank})`);
      // Start reading in a microtask: a send posted just before this receive (Promise.all of an
      // exchange) writes first, instead of waiting behind this thread's spin for the peer's data.
      inbox.onDemand = () => queueMicrotask(() => void this.pump(peer));
      this.inboxes.push(inbox);
      this.sendQueues.push(Promise.resolve());
      this.brokenPairs.push(null);
      this.pumping.push(false);
    }
  }

  async send(to: number, tag: number, data: Payload, options?: TransferOptions): Promise<void> {
    this.check(to, tag, 'send to');
    const signal = options?.signal;
    const bytes = bytesOf(data);
    // Messages to one peer go through its ring one after another, in call order.
    const sent = this.sendQueues[to].then(async () => {
      const broken = this.brokenPairs[to] ?? this.closedError;
      if (broken) throw broken;
      if (signal?.aborted) throw abortError(signal, `rank ${to}`);
      try {
        await (this.writers[to] as RingWriter).write(tag, bytes, this.control(to, signal));
      } catch (error) {
        // A half-written message cannot be taken back: nothing more can go to this peer.
        this.brokenPairs[to] = new LoomError(`rank ${this.rank} cannot send to rank ${to}: an earlier send was interrupted`, { cause: error });
        throw error;
      }
    });
    this.sendQueues[to] = sent.catch(() => {});
    return sent;
  }

  async recv(from: number, tag: number, into: Payload, options?: RecvOptions): Promise<number> {
    this.check(from, tag, 'receive from');
    return this.inboxes[from].post(tag, into, options?.accumulate ?? false, options?.signal);
  }

  async close(): Promise<void> {
    if (this.closedError) return;
    this.closedError = new LoomError(`threads transport of rank ${this.rank} is closed`);
    this.sharedArena.close();
    for (let peer = 0; peer < this.size; peer++) {
      this.inboxes[peer].failAll(this.closedError);
      this.writers[peer]?.close();
      this.readers[peer]?.close();
    }
  }

  private async pump(from: number): Promise<void> {
    if (this.pumping[from]) return;
    this.pumping[from] = true;
    const inbox = this.inboxes[from];
    const reader = this.readers[from] as RingReader;
    const control = this.control(from);
    try {
      while (!this.closedError && inbox.hasWaiting()) {
        const { tag, length } = await reader.readHeader(control);
        const sink = inbox.begin(tag, length);
        await reader.readPayload(length, sink, control);
        sink.end();
      }
    } catch (error) {
      inbox.failAll(error instanceof Error ? error : new LoomError(String(error)));
    } finally {
      this.pumping[from] = false;
    }
  }

  private control(peer: number, signal?: AbortSignal): WaitControl {
    return { spinMicros: this.spinMicros, stopped: this.stopped, signal, aborted: () => abortError(signal as AbortSignal, `rank ${peer}`) };
  }

  private check(peer: number, tag: number, what: string): void {
    if (this.closedError) throw this.closedError;
    checkPeer(this.rank, this.size, peer, what);
    checkTag(tag);
  }
}

/** Attaches rank `rank` of the world described by `descriptor` (call inside the worker). */
export function attachThreadsTransport(descriptor: ThreadsTransportDescriptor, rank: number): ThreadsTransport {
  return new ThreadsTransport(descriptor, rank);
}
