/**
 * One TCP connection between two ranks: the hello exchange that names the peer, then messages
 * in both directions, each as a run of frames (frame.ts). Messages are written one after another;
 * each frame is checksummed just before it is written, so checksumming overlaps transmission;
 * `socket.write` returning false holds the next frame until 'drain'. A send resolves when its last
 * frame has been handed to the kernel (then the caller may reuse the buffer). Any bad incoming
 * byte, a frame over the size limit, frames out of order, or a close in the middle of a frame
 * fails this connection only: the socket is destroyed and receives from this peer reject.
 */
import type { Socket } from 'node:net';
import { LoomError, PeerGoneError } from '../../../util/errors.js';
import { abortError, type Inbox, type MessageSink } from '../inbox.js';
import { encodeFrameHeader, FIRST_FRAME, FrameKind, LAST_FRAME, WHOLE_MESSAGE, type FrameHeader } from './frame.js';
import { FrameReader } from './frame-reader.js';

const HELLO_BYTES = 8;
/** Above this many unexpected bytes held for this peer, stop reading until a receive is posted. */
const UNEXPECTED_HIGH_WATER = 256 * 1024 * 1024;
const IGNORE = { write: (): void => {} };

export interface LinkOptions {
  localRank: number;
  size: number;
  /** Largest incoming frame payload accepted. */
  maxFrameBytes: number;
  /** Largest outgoing frame payload (messages are cut into frames of this size). */
  fragmentBytes: number;
  /** Dialing side: the rank expected at the other end (it sends hello first). */
  expectedPeer?: number;
  /** Accepting side: may this peer rank connect now? Returns a reason when not. */
  admit?: (peer: number) => string | null;
  /**
   * Where data frames from `peer` go; asked as soon as the hello names the peer. The owner
   * resumes this link (and the peer's other link) from the inbox's onDemand.
   */
  attach: (peer: number, link: TcpLink) => Inbox;
  /** Reports a failure of this connection (after the handshake or during it). */
  onError: (error: LoomError) => void;
}

/** How incoming bytes reach the link: 'data' events (fresh buffers) or `onread` into one reused buffer. */
export type ReadMode = 'data-events' | 'reused-buffer';

/** The message being received: where its bytes go and how many have come. */
interface Incoming {
  tag: number;
  length: number;
  received: number;
  sink: MessageSink | null; // null for the hello
}

export class TcpLink {
  /** Resolves with the peer's rank once hellos are exchanged. */
  readonly ready: Promise<number>;
  /** Resolves with the reason once this connection has failed or closed. */
  readonly closed: Promise<LoomError>;
  private settleClosed!: (reason: LoomError) => void;
  private peer: number | null = null;
  private inbox: Inbox | null = null;
  private incoming: Incoming | null = null;
  private readonly hello = new Uint8Array(HELLO_BYTES);
  private failure: LoomError | null = null;
  private closing = false;
  private queue: Promise<void> = Promise.resolve();
  private wakeWriter: (() => void) | null = null;
  private readonly reader: FrameReader;
  private settleReady!: { resolve(peer: number): void; reject(error: LoomError): void };
  /** Remote host:port, kept because a closed socket forgets it. */
  private readonly remote: string;
  /** Whether incoming chunks stay valid after `receive` returns (not so with a reused read buffer). */
  private readonly retainable: boolean;

  /**
   * With 'reused-buffer' the socket was created with `onread` and the caller feeds `receive`;
   * chunks are then copied before being kept (the buffer is overwritten by the next read).
   */
  constructor(private readonly socket: Socket, private readonly options: LinkOptions, readMode: ReadMode = 'data-events') {
    this.ready = new Promise<number>((resolve, reject) => (this.settleReady = { resolve, reject }));
    this.ready.catch(() => {}); // the mesh observes failures through onError as well
    this.closed = new Promise<LoomError>((resolve) => (this.settleClosed = resolve));
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    this.reader = new FrameReader(options.maxFrameBytes, {
      start: (header) => this.startFrame(header),
      end: (header) => this.endFrame(header),
      error: (problem) => this.fail(problem),
    });
    this.retainable = readMode === 'data-events';
    if (this.retainable) socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', () => this.wake());
    socket.on('error', (error) => this.fail(`socket error: ${error.message}`, error));
    socket.on('close', () => {
      if (!this.reader.atBoundary) this.fail(`connection closed in the middle of a frame (after ${this.reader.describePartial()})`);
      else if (this.incoming?.sink) this.fail(`connection closed in the middle of a message (after ${this.incoming.received} of ${this.incoming.length} bytes)`);
      else this.fail(this.closing ? 'connection closed locally' : 'peer closed the connection');
    });
    if (options.expectedPeer !== undefined) this.writeHello();
  }

  /** Feeds bytes read from the socket; returns false when reading should pause (backpressure). */
  receive(chunk: Uint8Array): boolean {
    try {
      this.reader.push(chunk);
      return this.applyBackpressure();
    } catch (error) {
      // A bug of ours must not take the process down with it: fail this connection instead.
      this.fail(`internal error while reading: ${error instanceof Error ? error.message : String(error)}`, error);
      return true;
    }
  }

  /** Reads again after backpressure paused this connection. */
  resume(): void {
    if (!this.failure) this.socket.resume();
  }

  /** "rank 3 (127.0.0.1:4000)" or the remote address before the hello. */
  get name(): string {
    const rank = this.peer ?? this.options.expectedPeer;
    return rank === undefined || rank === null ? `unidentified peer ${this.remote}` : `rank ${rank} (${this.remote})`;
  }

  send(tag: number, payload: Uint8Array, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // Messages go out whole, in call order: the next starts once this one's frames are queued.
      this.queue = this.queue.then(() => this.writeMessage(tag, payload, signal, resolve, reject));
    });
  }

  /** Ends the connection after the frames already queued. */
  async close(): Promise<void> {
    this.closing = true;
    await this.queue;
    if (this.failure) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1000).unref(); // a peer that never closes its side
    });
  }

  /** Queues the frames of one message; settles the send when the last is handed to the kernel. Never throws. */
  private async writeMessage(tag: number, payload: Uint8Array, signal: AbortSignal | undefined, resolve: () => void, reject: (e: Error) => void): Promise<void> {
    if (this.failure) return reject(this.failure);
    if (signal?.aborted) return reject(abortError(signal, this.name));
    const onAbort = (): void => {
      // Frames already queued may still be read from the caller's buffer: drop the connection instead.
      reject(abortError(signal as AbortSignal, this.name));
      this.fail('a send was aborted while its frames were being written');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const written = (error?: Error | null): void => {
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(this.failure ?? new LoomError(`sending to ${this.name} failed: ${error.message}`, { cause: error }));
      else resolve();
    };
    const fragment = this.options.fragmentBytes;
    let offset = 0;
    do {
      const end = Math.min(payload.length, offset + fragment);
      const flags = (offset === 0 ? FIRST_FRAME : 0) | (end === payload.length ? LAST_FRAME : 0);
      const body = payload.subarray(offset, end);
      const flowing = this.writeFrame(FrameKind.data, tag, flags, payload.length, body, flags & LAST_FRAME ? written : undefined);
      offset = end;
      if (!flowing && !this.failure) await new Promise<void>((wake) => (this.wakeWriter = wake));
      if (this.failure) return written(this.failure);
    } while (offset < payload.length);
  }

  private writeFrame(kind: 1 | 2, tag: number, flags: number, length: number, body: Uint8Array, done?: (error?: Error | null) => void): boolean {
    const header = encodeFrameHeader(kind, tag, flags, length, body);
    if (body.length === 0) return this.socket.write(header, done);
    this.socket.cork();
    this.socket.write(header);
    const flowing = this.socket.write(Buffer.from(body.buffer, body.byteOffset, body.byteLength), done);
    this.socket.uncork();
    return flowing;
  }

  private wake(): void {
    const wake = this.wakeWriter;
    this.wakeWriter = null;
    wake?.();
  }

  private writeHello(): void {
    const hello = Buffer.alloc(HELLO_BYTES);
    hello.writeUInt32LE(this.options.localRank, 0);
    hello.writeUInt32LE(this.options.size, 4);
    this.writeFrame(FrameKind.hello, 0, WHOLE_MESSAGE, HELLO_BYTES, hello);
  }

  private startFrame(header: FrameHeader): { write(chunk: Uint8Array): void } {
    const first = (header.flags & FIRST_FRAME) !== 0;
    const current = this.incoming;
    if (first && current) return this.refuse(`a new message (tag ${header.tag}) began before message tag ${current.tag} ended`);
    if (!first && (!current || current.tag !== header.tag || current.length !== header.messageLength)) {
      return this.refuse(`a continuation frame (tag ${header.tag}) does not belong to the message being received`);
    }
    if (this.peer === null) {
      if (header.kind !== FrameKind.hello || header.messageLength !== HELLO_BYTES || header.frameLength !== HELLO_BYTES) {
        return this.refuse(`expected a ${HELLO_BYTES}-byte hello frame first, got kind ${header.kind} with ${header.frameLength} bytes`);
      }
      this.incoming = { tag: 0, length: HELLO_BYTES, received: 0, sink: null };
      let filled = 0;
      return {
        write: (chunk) => {
          this.hello.set(chunk, filled);
          filled += chunk.length;
        },
      };
    }
    if (header.kind !== FrameKind.data) return this.refuse(`unexpected frame kind ${header.kind} after the hello`);
    const message = current ?? (this.incoming = { tag: header.tag, length: header.messageLength, received: 0, sink: (this.inbox as Inbox).begin(header.tag, header.messageLength) });
    if (message.received + header.frameLength > message.length) return this.refuse(`frames of message tag ${header.tag} exceed its ${message.length} bytes`);
    const sink = message.sink as MessageSink;
    const retainable = this.retainable;
    return { write: (chunk) => sink.write(chunk, retainable) };
  }

  private endFrame(header: FrameHeader): void {
    const message = this.incoming as Incoming;
    message.received += header.frameLength;
    if ((header.flags & LAST_FRAME) === 0) return;
    if (message.received !== message.length) return this.fail(`message tag ${header.tag} ended after ${message.received} of ${message.length} bytes`);
    this.incoming = null;
    if (message.sink) message.sink.end();
    else this.finishHello();
  }

  private refuse(problem: string): { write(chunk: Uint8Array): void } {
    this.fail(problem);
    return IGNORE;
  }

  private finishHello(): void {
    const view = Buffer.from(this.hello.buffer);
    const rank = view.readUInt32LE(0);
    const size = view.readUInt32LE(4);
    if (size !== this.options.size) return this.fail(`peer says the world has ${size} ranks, this rank expects ${this.options.size}`);
    const expected = this.options.expectedPeer;
    if (expected !== undefined && rank !== expected) return this.fail(`expected rank ${expected} at this address, found rank ${rank}`);
    const refusal = expected === undefined ? (this.options.admit?.(rank) ?? null) : null;
    if (refusal) return this.fail(refusal);
    this.peer = rank;
    // Attach now, not in a later microtask: data frames may follow in this very chunk.
    this.inbox = this.options.attach(rank, this);
    if (expected === undefined) this.writeHello();
    this.settleReady.resolve(rank);
  }

  /**
   * Stops reading this peer (until a receive is posted: Inbox.onDemand resumes) when nothing
   * local waits for its bytes: an unexpected message is arriving that no receive has taken, or
   * too many unexpected bytes are held. Returns false when paused.
   */
  private applyBackpressure(): boolean {
    const inbox = this.inbox;
    if (!inbox || inbox.hasWaiting()) return true;
    const unclaimed = this.incoming?.sink ? !this.incoming.sink.wanted() : false;
    if (!unclaimed && inbox.unexpectedBytes <= UNEXPECTED_HIGH_WATER) return true;
    this.socket.pause();
    return false;
  }

  private fail(problem: string, cause?: unknown): void {
    if (this.failure) return;
    const quiet = problem === 'connection closed locally' || problem === 'peer closed the connection';
    // A connection that closed (cleanly or inside a frame) most often means the peer failed first.
    const Failure = problem === 'peer closed the connection' || problem.startsWith('connection closed in the middle') ? PeerGoneError : LoomError;
    this.failure = new Failure(`rank ${this.options.localRank}: connection with ${this.name} failed: ${problem}`, { cause });
    this.socket.destroy();
    this.wake();
    this.incoming?.sink?.fail(this.failure);
    this.incoming = null;
    // Data from the peer arrives on the connection this rank dialed. A clean close of the other
    // one (which this rank only sends on) says nothing of messages still in flight to us: the
    // peer may have finished and closed while its last message is being read.
    const carriesIncoming = this.options.expectedPeer !== undefined;
    if (carriesIncoming || !quiet) this.inbox?.failAll(this.failure);
    this.settleReady.reject(this.failure);
    this.settleClosed(this.failure);
    if (!quiet) this.options.onError(this.failure);
  }
}
