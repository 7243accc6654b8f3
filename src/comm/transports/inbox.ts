/**
 * Message matching for the messages arriving from one peer, shared by every transport.
 * Receives are matched to messages by tag in posting order. A message that starts arriving
 * before its receive is posted is kept as "unexpected" (chunks retained when the transport says
 * they stay valid, copied otherwise); when its receive is posted, what has arrived is handed over
 * and the rest streams straight into the receive buffer. Transports stop reading a peer while an
 * unexpected message nobody asked for is arriving (`wanted` false and `hasWaiting` false), so
 * early messages mostly wait in the kernel or the ring instead of being copied twice.
 */
import { LoomError } from '../../util/errors.js';
import type { Payload } from '../transport.js';
import { PayloadWriter } from './payload-writer.js';

/** Where the bytes of one arriving message go. */
export interface MessageSink {
  /** `retainable`: the chunk's memory stays valid and unchanged, so it may be kept without a copy. */
  write(chunk: Uint8Array, retainable: boolean): void;
  end(): void;
  fail(error: Error): void;
  /** Whether the message went to a posted receive (false: kept as unexpected, or discarded). */
  readonly matched: boolean;
  /** Whether a receive is waiting for this message's bytes (always for a matched one). */
  wanted(): boolean;
  /** Resolves when the message has been handed to a receive (or dropped). */
  readonly consumed: Promise<void>;
  /** Drops an unexpected message that no receive has taken yet (its sender gave up). */
  retract(): void;
}

interface PostedRecv {
  tag: number;
  into: Payload;
  accumulate: boolean;
  resolve(bytes: number): void;
  reject(error: Error): void;
  cancelled: boolean;
}

interface Unexpected {
  tag: number;
  length: number;
  chunks: Uint8Array[];
  complete: boolean;
  failure: Error | null;
  /** The receive that took this message while it was still arriving, and its writer. */
  waiter: PostedRecv | null;
  writer: PayloadWriter | null;
  released: boolean;
  consumed: () => void;
}

export class Inbox {
  private readonly posted = new Map<number, PostedRecv[]>();
  private readonly unexpected = new Map<number, Unexpected[]>();
  /** Unexpected messages still arriving that a receive already waits for. */
  private readonly awaited = new Set<Unexpected>();
  private failure: Error | null = null;
  /** Bytes held in unexpected messages (transports may stop reading above a limit). */
  unexpectedBytes = 0;
  /** Called when a posted receive waits for bytes that have not arrived yet. */
  onDemand: () => void = () => {};

  constructor(private readonly peer: string) {}

  post(tag: number, into: Payload, accumulate: boolean, signal?: AbortSignal): Promise<number> {
    if (accumulate && !(into instanceof Float32Array)) {
      return Promise.reject(new LoomError(`accumulating receive from ${this.peer} needs a Float32Array, got ${into.constructor.name}`));
    }
    if (signal?.aborted) return Promise.reject(abortError(signal, this.peer));
    return new Promise<number>((resolve, reject) => {
      const onAbort = (): void => {
        recv.cancelled = true;
        removeItem(this.posted, tag, recv);
        reject(abortError(signal as AbortSignal, this.peer));
      };
      const recv: PostedRecv = {
        tag,
        into,
        accumulate,
        cancelled: false,
        resolve: (bytes) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(bytes);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const early = takeFirst(this.unexpected, tag);
      if (early?.complete) return this.deliver(early, recv);
      if (early) {
        this.attach(early, recv);
        return this.onDemand();
      }
      // Messages that arrived before the peer went away are still delivered (above); nothing more will come.
      if (this.failure) return recv.reject(this.failure);
      pushItem(this.posted, tag, recv);
      this.onDemand();
    });
  }

  /** A message with this tag and payload length has started arriving. */
  begin(tag: number, length: number): MessageSink {
    const recv = takeFirst(this.posted, tag);
    if (recv) return this.postedSink(recv, length);
    let consumed!: () => void;
    const done = new Promise<void>((resolve) => (consumed = resolve));
    const item: Unexpected = { tag, length, chunks: [], complete: false, failure: null, waiter: null, writer: null, released: false, consumed };
    pushItem(this.unexpected, tag, item);
    this.unexpectedBytes += length;
    return {
      matched: false,
      consumed: done,
      wanted: () => item.waiter !== null,
      write: (chunk, retainable) => {
        if (item.writer) {
          if (!item.waiter?.cancelled) item.writer.write(chunk);
        } else {
          // A copy: `new Uint8Array(chunk)`, since Buffer#slice would be a view of memory about to be reused.
          item.chunks.push(retainable ? chunk : new Uint8Array(chunk));
        }
      },
      end: () => {
        item.complete = true;
        if (item.waiter) this.deliver(item, item.waiter);
      },
      fail: (error) => {
        item.failure = error;
        removeItem(this.unexpected, tag, item);
        this.drop(item);
        item.waiter?.reject(error);
      },
      retract: () => {
        if (!item.waiter && removeItem(this.unexpected, tag, item)) this.drop(item);
      },
    };
  }

  /** Whether a posted receive is waiting for a message that has not (fully) arrived yet. */
  hasWaiting(): boolean {
    return this.posted.size > 0 || this.awaited.size > 0; // empty lists are deleted
  }

  /** The peer is gone or misbehaved: reject every waiting and future receive with `error`. */
  failAll(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const list of this.posted.values()) for (const recv of list) recv.reject(error);
    this.posted.clear();
    for (const item of this.awaited) item.waiter?.reject(error);
    this.awaited.clear();
  }

  private postedSink(recv: PostedRecv, length: number): MessageSink {
    const problem = checkFits(recv, length, this.peer);
    if (problem) recv.reject(problem);
    const writer = problem ? null : new PayloadWriter(recv.into, recv.accumulate);
    return {
      matched: true,
      consumed: Promise.resolve(),
      wanted: () => true,
      write: (chunk) => {
        if (writer && !recv.cancelled) writer.write(chunk);
      },
      end: () => {
        if (writer && !recv.cancelled) recv.resolve(length);
      },
      fail: (error) => {
        if (!problem) recv.reject(error);
      },
      retract: () => {},
    };
  }

  /** A receive takes a message still arriving: hand over what came, stream the rest directly. */
  private attach(item: Unexpected, recv: PostedRecv): void {
    const problem = checkFits(recv, item.length, this.peer);
    if (problem) {
      recv.reject(problem);
      recv.cancelled = true; // the rest of the message is dropped as it arrives
    }
    item.waiter = recv;
    this.awaited.add(item);
    if (problem) return;
    item.writer = new PayloadWriter(recv.into, recv.accumulate);
    for (const chunk of item.chunks) item.writer.write(chunk);
    item.chunks = [];
  }

  private deliver(item: Unexpected, recv: PostedRecv): void {
    this.drop(item);
    if (recv.cancelled) return;
    if (item.failure) return recv.reject(item.failure);
    if (!item.writer) {
      const problem = checkFits(recv, item.length, this.peer);
      if (problem) return recv.reject(problem);
      const writer = new PayloadWriter(recv.into, recv.accumulate);
      for (const chunk of item.chunks) writer.write(chunk);
      item.chunks = [];
    }
    recv.resolve(item.length);
  }

  /** Removes an unexpected message from the byte count (once) and wakes its sender. */
  private drop(item: Unexpected): void {
    this.awaited.delete(item);
    if (item.released) return;
    item.released = true;
    this.unexpectedBytes -= item.length;
    item.consumed();
  }
}

function checkFits(recv: PostedRecv, length: number, peer: string): LoomError | null {
  if (length > recv.into.byteLength) {
    return new LoomError(`message from ${peer} (tag ${recv.tag}) has ${length} bytes, more than the ${recv.into.byteLength}-byte receive buffer`);
  }
  if (recv.accumulate && length % 4 !== 0) {
    return new LoomError(`message from ${peer} (tag ${recv.tag}) has ${length} bytes, not a whole number of float32 values to accumulate`);
  }
  return null;
}

export function abortError(signal: AbortSignal, peer: string): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new LoomError(`transfer with ${peer} aborted${reason === undefined ? '' : `: ${String(reason)}`}`);
}

function pushItem<T>(map: Map<number, T[]>, tag: number, item: T): void {
  const list = map.get(tag);
  if (list) list.push(item);
  else map.set(tag, [item]);
}

function takeFirst<T>(map: Map<number, T[]>, tag: number): T | undefined {
  const list = map.get(tag);
  if (!list) return undefined;
  const item = list.shift();
  if (list.length === 0) map.delete(tag); // every collective call has its own tag: keep the maps small
  return item;
}

function removeItem<T>(map: Map<number, T[]>, tag: number, item: T): boolean {
  const list = map.get(tag);
  const at = list ? list.indexOf(item) : -1;
  if (at < 0) return false;
  (list as T[]).splice(at, 1);
  if ((list as T[]).length === 0) map.delete(tag);
  return true;
}
