/**
 * One TCP connection between two ranks: the hello exchange that names the peer, then data frames
 * in both directions. Outgoing frames are written one after another (a frame is never split by
 * another); `socket.write` returning false holds the next frame until 'drain', and a send resolves
 * when its payload has been handed to the kernel (then the caller may reuse the buffer). Any bad
 * incoming byte, a frame over the size limit, or a close in the middle of a frame fails this
 * connection only: the socket is destroyed and receives from this peer reject with the reason.
 */
import type { Socket } from 'node:net';
import { LoomError } from '../../../util/errors.js';
import { abortError, type Inbox, type MessageSink } from '../inbox.js';
import { encodeFrameHeader, FrameKind, type FrameHeader } from './frame.js';
import { FrameReader } from './frame-reader.js';

const HELLO_BYTES = 8;
/** Above this many unexpected bytes held for this peer, stop reading until a receive is posted. */
const UNEXPECTED_HIGH_WATER = 256 * 1024 * 1024;

export interface LinkOptions {
  localRank: number;
  size: number;
  maxFrameBytes: number;
  /** Dialing side: the rank expected at the other end (it sends hello first). */
  expectedPeer?: number;
  /** Accepting side: may this peer rank connect now? Returns a reason when not. */
  admit?: (peer: number) => string | null;
  /** Where data frames from `peer` go; asked as soon as the hello names the peer. */
  inboxFor: (peer: number) => Inbox;
  /** Reports a failure of this connection (after the handshake or during it). */
  onError: (error: LoomError) => void;
}

export class TcpLink {
  /** Resolves with the peer's rank once hellos are exchanged. */
  readonly ready: Promise<number>;
  private peer: number | null = null;
  private inbox: Inbox | null = null;
  private sink: MessageSink | null = null;
  private helloBytes: Uint8Array | null = null;
  private failure: LoomError | null = null;
  private closing = false;
  private writable: Promise<void> = Promise.resolve();
  private releaseWriter: (() => void) | null = null;
  private readonly reader: FrameReader;
  private settleReady!: { resolve(peer: number): void; reject(error: LoomError): void };
  /** Remote host:port, kept because a closed socket forgets it. */
  private readonly remote: string;

  constructor(private readonly socket: Socket, private readonly options: LinkOptions) {
    this.ready = new Promise<number>((resolve, reject) => (this.settleReady = { resolve, reject }));
    this.ready.catch(() => {}); // the mesh observes failures through onError as well
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    this.reader = new FrameReader(options.maxFrameBytes, {
      start: (header) => this.startFrame(header),
      end: (header) => this.endFrame(header),
      error: (problem) => this.fail(problem),
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        this.reader.push(chunk);
        this.applyBackpressure();
      } catch (error) {
        // A bug of ours must not take the process down with it: fail this connection instead.
        this.fail(`internal error while reading: ${error instanceof Error ? error.message : String(error)}`, error);
      }
    });
    socket.on('error', (error) => this.fail(`socket error: ${error.message}`, error));
    socket.on('close', () => {
      if (!this.reader.atBoundary) this.fail(`connection closed in the middle of a frame (after ${this.reader.describePartial()})`);
      else this.fail(this.closing ? 'connection closed locally' : 'peer closed the connection');
    });
    if (options.expectedPeer !== undefined) this.writeHello();
  }

  /** "rank 3 (127.0.0.1:4000)" or the remote address before the hello. */
  get name(): string {
    const rank = this.peer ?? this.options.expectedPeer;
    return rank === undefined || rank === null ? `unidentified peer ${this.remote}` : `rank ${rank} (${this.remote})`;
  }

  send(tag: number, payload: Uint8Array, signal?: AbortSignal): Promise<void> {
    const turn = this.writable;
    let release!: () => void;
    this.writable = new Promise<void>((resolve) => (release = resolve));
    return new Promise<void>((resolve, reject) => {
      void turn.then(() => {
        if (this.failure) {
          release();
          return reject(this.failure);
        }
        if (signal?.aborted) {
          release();
          return reject(abortError(signal, this.name));
        }
        const onAbort = (): void => {
          // The kernel may still be reading the caller's buffer: drop the connection instead.
          reject(abortError(signal as AbortSignal, this.name));
          this.fail('a send was aborted while its frame was being written');
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        const done = (error?: Error | null): void => {
          signal?.removeEventListener('abort', onAbort);
          if (error) reject(this.failure ?? new LoomError(`sending to ${this.name} failed: ${error.message}`, { cause: error }));
          else resolve();
        };
        const header = encodeFrameHeader(FrameKind.data, tag, payload);
        const body = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
        this.socket.cork();
        let flowing = payload.length === 0 ? this.socket.write(header, done) : this.socket.write(header);
        if (payload.length > 0) flowing = this.socket.write(body, done);
        this.socket.uncork();
        if (flowing) release();
        else {
          this.releaseWriter = release;
          this.socket.once('drain', () => {
            this.releaseWriter = null;
            release();
          });
        }
      });
    });
  }

  /** Ends the connection after the frames already queued. */
  async close(): Promise<void> {
    this.closing = true;
    await this.writable;
    if (this.failure) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1000).unref(); // a peer that never closes its side
    });
  }

  private writeHello(): void {
    const hello = Buffer.alloc(HELLO_BYTES);
    hello.writeUInt32LE(this.options.localRank, 0);
    hello.writeUInt32LE(this.options.size, 4);
    this.socket.write(encodeFrameHeader(FrameKind.hello, 0, hello));
    this.socket.write(hello);
  }

  private startFrame(header: FrameHeader): { write(chunk: Uint8Array): void } {
    if (this.peer === null) {
      if (header.kind !== FrameKind.hello || header.length !== HELLO_BYTES) {
        this.fail(`expected a ${HELLO_BYTES}-byte hello frame first, got kind ${header.kind} with ${header.length} bytes`);
        return { write: () => {} };
      }
      const hello = new Uint8Array(HELLO_BYTES);
      let filled = 0;
      this.helloBytes = hello;
      return {
        write: (chunk) => {
          hello.set(chunk, filled);
          filled += chunk.length;
        },
      };
    }
    if (header.kind !== FrameKind.data) {
      this.fail(`unexpected frame kind ${header.kind} after the hello`);
      return { write: () => {} };
    }
    const sink = (this.inbox as Inbox).begin(header.tag, header.length);
    this.sink = sink;
    return { write: (chunk) => sink.write(chunk, true) }; // socket chunks are fresh buffers: keep, don't copy
  }

  private endFrame(header: FrameHeader): void {
    if (header.kind === FrameKind.hello) return this.finishHello();
    const sink = this.sink as MessageSink;
    this.sink = null;
    sink.end();
  }

  private finishHello(): void {
    const view = Buffer.from(this.helloBytes as Uint8Array);
    const rank = view.readUInt32LE(0);
    const size = view.readUInt32LE(4);
    if (size !== this.options.size) return this.fail(`peer says the world has ${size} ranks, this rank expects ${this.options.size}`);
    const expected = this.options.expectedPeer;
    if (expected !== undefined && rank !== expected) return this.fail(`expected rank ${expected} at this address, found rank ${rank}`);
    const refusal = expected === undefined ? (this.options.admit?.(rank) ?? null) : null;
    if (refusal) return this.fail(refusal);
    this.peer = rank;
    // Attach now, not in a later microtask: data frames may follow in this very chunk.
    const inbox = this.options.inboxFor(rank);
    this.inbox = inbox;
    inbox.onDemand = () => this.socket.resume();
    if (expected === undefined) this.writeHello();
    this.settleReady.resolve(rank);
  }

  private applyBackpressure(): void {
    const inbox = this.inbox;
    if (inbox && inbox.unexpectedBytes > UNEXPECTED_HIGH_WATER && !inbox.hasWaiting()) this.socket.pause();
  }

  private fail(problem: string, cause?: unknown): void {
    if (this.failure) return;
    const closedByUs = this.closing && problem === 'connection closed locally';
    this.failure = new LoomError(`rank ${this.options.localRank}: connection with ${this.name} failed: ${problem}`, { cause });
    this.socket.destroy();
    this.releaseWriter?.();
    this.sink?.fail(this.failure);
    this.sink = null;
    this.inbox?.failAll(this.failure);
    this.settleReady.reject(this.failure);
    if (!closedByUs && problem !== 'peer closed the connection') this.options.onError(this.failure);
  }
}
