/**
 * Transport over TCP (node:net): a full mesh between the ranks of a job, given every rank's
 * address (rendezvous, which finds the addresses, belongs to cluster/). Every rank dials every
 * other rank and receives on the connection it dialed, reading with `onread` into a large reused
 * buffer (Node's default 64 KiB reads cap a loopback exchange at ~0.45 GB/s here; 1 MiB reads
 * reach ~1.2 GB/s); it sends on the connection the peer dialed. Messages are length-prefixed,
 * checksummed frames (frame.ts); Nagle is off.
 */
import { connect, type Socket } from 'node:net';
import { LoomError } from '../../../util/errors.js';
import { bytesOf, type Payload, type RecvOptions, type TransferOptions, type Transport } from '../../transport.js';
import { checkPeer, checkTag } from '../checks.js';
import { Inbox } from '../inbox.js';
import { parseAddress } from './address.js';
import { TcpListener } from './listener.js';
import { TcpLink, type LinkOptions } from './tcp-link.js';

export interface TcpTransportOptions {
  rank: number;
  /** "host:port" of every rank, in rank order. */
  addresses: readonly string[];
  /** This rank's listener, opened earlier (e.g. on port 0, to publish its address); default: listen on addresses[rank]. */
  listener?: TcpListener;
  /** How long to wait for the whole mesh (default 30 s). */
  connectTimeoutMs?: number;
  /** Largest incoming frame payload accepted (default 16 MiB); a larger one closes its connection. */
  maxFrameBytes?: number;
  /** Messages are sent as frames of at most this many payload bytes (default 512 KiB, at most maxFrameBytes). */
  fragmentBytes?: number;
  /** Bytes per socket read on receiving connections (default 1 MiB). */
  readBufferBytes?: number;
  /** Called for every connection that fails (bad frames, resets); the transport keeps running. */
  onConnectionError?: (error: LoomError) => void;
}

export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
export const DEFAULT_FRAGMENT_BYTES = 512 * 1024;
const HELLO_TIMEOUT_MS = 5_000;
/** Message lengths travel as 32-bit fields. */
const MAX_MESSAGE_BYTES = 0xffffffff;

export class TcpTransport implements Transport {
  readonly size: number;
  /** Every connection failure seen so far, oldest first. */
  readonly connectionErrors: LoomError[] = [];
  private closed = false;

  /** Use connectTcpTransport. `sendLinks[p]`: the connection p dialed; `receiveLinks[p]`: the one this rank dialed. */
  constructor(
    readonly rank: number,
    private readonly sendLinks: readonly TcpLink[],
    private readonly receiveLinks: readonly TcpLink[],
    private readonly inboxes: readonly Inbox[],
  ) {
    this.size = inboxes.length;
  }

  async send(to: number, tag: number, data: Payload, options?: TransferOptions): Promise<void> {
    this.check(to, tag, 'send to');
    if (data.byteLength > MAX_MESSAGE_BYTES) throw new LoomError(`rank ${this.rank} cannot send ${data.byteLength} bytes to rank ${to}: messages are limited to 4 GiB - 1`);
    return this.sendLinks[to].send(tag, bytesOf(data), options?.signal);
  }

  async recv(from: number, tag: number, into: Payload, options?: RecvOptions): Promise<number> {
    this.check(from, tag, 'receive from');
    return this.inboxes[from].post(tag, into, options?.accumulate ?? false, options?.signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.sendLinks, ...this.receiveLinks].map((link) => link?.close()));
  }

  private check(peer: number, tag: number, what: string): void {
    if (this.closed) throw new LoomError(`TCP transport of rank ${this.rank} is closed`);
    checkPeer(this.rank, this.size, peer, what);
    checkTag(tag);
  }
}

/** Connects rank `options.rank` to every other rank; resolves when the mesh is complete. */
export async function connectTcpTransport(options: TcpTransportOptions): Promise<TcpTransport> {
  const { rank, addresses } = options;
  const size = addresses.length;
  if (!Number.isInteger(rank) || rank < 0 || rank >= size) throw new LoomError(`TCP rank ${rank} is outside the ${size} addresses given`);
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const fragmentBytes = Math.min(options.fragmentBytes ?? DEFAULT_FRAGMENT_BYTES, maxFrameBytes);
  if (!Number.isInteger(fragmentBytes) || fragmentBytes < 1) throw new LoomError(`TCP fragmentBytes must be a positive integer, got ${fragmentBytes}`);
  const timeoutMs = options.connectTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const sendLinks: TcpLink[] = new Array<TcpLink>(size);
  const receiveLinks: TcpLink[] = new Array<TcpLink>(size);
  const inboxes = Array.from({ length: size }, (_, peer) => new Inbox(`rank ${peer} (tcp ${addresses[peer]}, to rank ${rank})`));
  const linksOf = inboxes.map((inbox) => {
    const links: TcpLink[] = [];
    inbox.onDemand = () => {
      for (const link of links) link.resume(); // a receive was posted: read again if backpressure paused
    };
    return links;
  });
  let transport: TcpTransport | null = null;
  const earlyErrors: LoomError[] = [];
  const onError = (error: LoomError): void => {
    (transport?.connectionErrors ?? earlyErrors).push(error);
    options.onConnectionError?.(error);
  };
  const attach = (peer: number, link: TcpLink): Inbox => {
    linksOf[peer].push(link);
    return inboxes[peer];
  };
  const linkOptions: LinkOptions = { localRank: rank, size, maxFrameBytes, fragmentBytes, onError, attach };

  const owned = options.listener === undefined;
  const listener = options.listener ?? (await listenOn(addresses[rank]));
  const toAccept = new Set<number>(Array.from({ length: size }, (_, p) => p).filter((p) => p !== rank));
  let accepted = 0;
  let allAccepted!: () => void;
  const acceptedAll = new Promise<void>((resolve) => (allAccepted = resolve));
  if (toAccept.size === 0) allAccepted();
  const onConnection = (socket: Socket): void => {
    const link = new TcpLink(socket, {
      ...linkOptions,
      admit: (peer) => {
        // Claimed at once, so a second connection claiming the same rank is refused.
        if (toAccept.delete(peer)) return null;
        return `rank ${peer} may not connect to rank ${rank} now (expected one of ${[...toAccept].join(', ') || 'none'})`;
      },
    });
    void link.ready.then(
      (peer) => {
        sendLinks[peer] = link;
        if (++accepted === size - 1) allAccepted();
        // A connection that dies before the mesh is complete (its dialer gave up and retried) frees its slot.
        void link.closed.then(() => {
          if (accepted < size - 1 && sendLinks[peer] === link) {
            delete sendLinks[peer];
            toAccept.add(peer);
            accepted--;
          }
        });
      },
      () => {}, // reported through onError; keep listening for the real peer
    );
  };
  listener.take(onConnection);

  try {
    const dials = addresses.map(async (address, peer) => {
      if (peer !== rank) receiveLinks[peer] = await dial(address, peer, deadline, linkOptions, options.readBufferBytes ?? 1024 * 1024);
    });
    await withDeadline(Promise.all([...dials, acceptedAll]), deadline, () => {
      const missing = [...toAccept].map((p) => `rank ${p} never connected`);
      return new LoomError(`rank ${rank}: TCP mesh incomplete after ${timeoutMs} ms: ${missing.join(', ') || 'still dialing'}`);
    });
  } catch (error) {
    for (const link of [...sendLinks, ...receiveLinks]) void link?.close();
    throw error;
  } finally {
    listener.release();
    if (owned) listener.close();
  }
  transport = new TcpTransport(rank, sendLinks, receiveLinks, inboxes);
  transport.connectionErrors.push(...earlyErrors);
  return transport;
}

async function listenOn(address: string): Promise<TcpListener> {
  const { host, port } = parseAddress(address);
  return TcpListener.listen(host, port);
}

async function dial(address: string, peer: number, deadline: number, linkOptions: LinkOptions, readBufferBytes: number): Promise<TcpLink> {
  const { host, port } = parseAddress(address);
  const buffer = Buffer.alloc(readBufferBytes);
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      let link: TcpLink | null = null;
      const socket = await new Promise<Socket>((resolve, reject) => {
        const s = connect({ host, port, onread: { buffer, callback: (n, buf) => (link as TcpLink).receive(buf.subarray(0, n)) } });
        s.once('connect', () => {
          s.off('error', reject);
          resolve(s);
        });
        s.once('error', reject);
      });
      link = new TcpLink(socket, { ...linkOptions, expectedPeer: peer }, 'reused-buffer');
      // A listener that accepts but never answers (not yet handed to a transport, or not Loom): retry.
      const answered = await withDeadline(link.ready, Math.min(deadline, Date.now() + HELLO_TIMEOUT_MS), () => new Error('no hello')).then(
        () => true,
        (error: unknown) => {
          if (error instanceof LoomError) throw error;
          socket.destroy();
          return false;
        },
      );
      if (answered) return link;
      continue;
    } catch (error) {
      lastError = error;
      if (error instanceof LoomError) throw error; // reached something that is not rank `peer`
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new LoomError(`could not connect to rank ${peer} at ${address}: ${lastError instanceof Error ? lastError.message : 'timed out'}`, { cause: lastError });
}

function withDeadline<T>(work: Promise<T>, deadline: number, timeoutError: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timeoutError()), Math.max(0, deadline - Date.now()));
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
