/**
 * One control connection (either end): frames in and out of a socket, each incoming frame checked
 * as a message before the owner sees it. Any bad byte, an oversized or truncated frame, or an
 * invalid message closes this connection only, with a one-line reason; the owner learns the
 * reason from `closed` and decides whether the close was expected.
 */
import type { Socket } from 'node:net';
import { encodeControlFrame, type ControlFrame } from './frame.js';
import type { ControlMessage, Received } from './messages.js';
import { ControlFrameReader } from './reader.js';

export interface ControlConnectionOptions<M> {
  /** Checks a decoded frame; a string is the reason it is refused. */
  parse(frame: ControlFrame): Received<M> | string;
  /** Largest incoming body + attachment accepted until `setLimit`. */
  maxFrameBytes: number;
  /** Added to the oversize reason while the first limit holds (e.g. " before authentication"). */
  limitNote?: string;
  onMessage(received: Received<M>): void;
}

/** How long a closing connection may take to flush before it is destroyed. */
const CLOSE_FLUSH_MS = 1_000;
const KEEPALIVE_MS = 10_000;

export class ControlConnection<M> {
  /** The remote "host:port", kept because a closed socket forgets it. */
  readonly remote: string;
  /** This end's IP address (where a worker binds its data plane by default). */
  readonly localHost: string;
  /** Resolves with the reason once the connection is closed, by either side. */
  readonly closed: Promise<string>;
  private settleClosed!: (reason: string) => void;
  private closeReason: string | null = null;
  private readonly reader: ControlFrameReader;

  constructor(private readonly socket: Socket, private readonly options: ControlConnectionOptions<M>) {
    this.remote = `${(socket.remoteAddress ?? '?').replace(/^::ffff:/, '')}:${socket.remotePort ?? '?'}`;
    this.localHost = (socket.localAddress ?? '').replace(/^::ffff:/, '');
    this.closed = new Promise((resolve) => (this.settleClosed = resolve));
    this.reader = new ControlFrameReader(options.maxFrameBytes, {
      frame: (frame) => this.deliver(frame),
      error: (problem) => this.destroy(problem),
    }, options.limitNote ?? '');
    socket.setNoDelay(true);
    socket.setKeepAlive(true, KEEPALIVE_MS); // notices a vanished host even when nothing is sent
    socket.on('data', (chunk: Buffer) => this.reader.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => this.destroy(`connection error (${error.code ?? error.message})`));
    socket.on('end', () => {
      this.destroy(this.reader.atBoundary ? 'connection closed' : `connection ended inside a frame (${this.reader.describePartial()})`);
    });
    socket.on('close', () => this.destroy('connection closed'));
  }

  get isClosed(): boolean {
    return this.closeReason !== null;
  }

  /** Raises (or lowers) the incoming size limit, e.g. once the peer has authenticated. */
  setLimit(maxFrameBytes: number): void {
    this.reader.setLimit(maxFrameBytes);
  }

  /** Sends one message; false when the connection is already closed. */
  send(message: ControlMessage, attachment?: Uint8Array | null): boolean {
    if (this.closeReason !== null || this.socket.destroyed || !this.socket.writable) return false;
    for (const part of encodeControlFrame(message, attachment)) this.socket.write(part);
    return true;
  }

  /** Flushes what was sent, then closes; `reason` is what `closed` reports. */
  close(reason: string): void {
    if (this.closeReason !== null) return;
    this.closeReason = reason;
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), CLOSE_FLUSH_MS);
    timer.unref();
    this.socket.once('close', () => clearTimeout(timer));
    this.settleClosed(reason);
  }

  /** Closes at once, dropping unsent bytes. */
  destroy(reason: string): void {
    if (this.closeReason === null) {
      this.closeReason = reason;
      this.settleClosed(reason);
    }
    this.socket.destroy();
  }

  private deliver(frame: ControlFrame): void {
    if (this.closeReason !== null) return;
    const received = this.options.parse(frame);
    if (typeof received === 'string') return this.destroy(received);
    try {
      this.options.onMessage(received);
    } catch (error) {
      this.destroy(`could not handle a message: ${(error as Error).message}`);
    }
  }
}
