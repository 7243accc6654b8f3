/**
 * Transport over TCP (node:net): a full mesh of connections between the ranks of a job, given
 * every rank's address (rendezvous, which finds the addresses, belongs to cluster/). Rank r
 * accepts connections from higher ranks and dials lower ones, retrying until they listen.
 * Messages are length-prefixed, checksummed frames (frame.ts); Nagle is off.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { LoomError } from '../../../util/errors.js';
import { bytesOf, type Payload, type RecvOptions, type TransferOptions, type Transport } from '../../transport.js';
import { checkPeer, checkTag } from '../checks.js';
import { Inbox } from '../inbox.js';
import { formatAddress, parseAddress } from './address.js';
import { TcpLink } from './tcp-link.js';

export interface TcpTransportOptions {
  rank: number;
  /** "host:port" of every rank, in rank order. */
  addresses: readonly string[];
  /** A server already listening for this rank (e.g. bound to port 0 first); default: listen on addresses[rank]. */
  server?: Server;
  /** How long to wait for the whole mesh (default 30 s). */
  connectTimeoutMs?: number;
  /** Largest frame accepted or sent (default 1 GiB). A larger incoming frame closes its connection. */
  maxFrameBytes?: number;
  /** Called for every connection that fails (bad frames, resets); the transport keeps running. */
  onConnectionError?: (error: LoomError) => void;
}

export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024 * 1024;

export class TcpTransport implements Transport {
  readonly size: number;
  /** Every connection failure seen so far, oldest first. */
  readonly connectionErrors: LoomError[] = [];
  private readonly inboxes: Inbox[];
  private closed = false;

  /** Use connectTcpTransport. */
  constructor(readonly rank: number, private readonly links: readonly TcpLink[], inboxes: Inbox[], private readonly maxFrameBytes: number) {
    this.size = links.length;
    this.inboxes = inboxes;
  }

  async send(to: number, tag: number, data: Payload, options?: TransferOptions): Promise<void> {
    this.check(to, tag, 'send to');
    if (data.byteLength > this.maxFrameBytes) {
      throw new LoomError(`rank ${this.rank} cannot send ${data.byteLength} bytes to rank ${to}: over the ${this.maxFrameBytes}-byte frame limit`);
    }
    return this.links[to].send(tag, bytesOf(data), options?.signal);
  }

  async recv(from: number, tag: number, into: Payload, options?: RecvOptions): Promise<number> {
    this.check(from, tag, 'receive from');
    return this.inboxes[from].post(tag, into, options?.accumulate ?? false, options?.signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.links.map((link) => link?.close()));
  }

  private check(peer: number, tag: number, what: string): void {
    if (this.closed) throw new LoomError(`TCP transport of rank ${this.rank} is closed`);
    checkPeer(this.rank, this.size, peer, what);
    checkTag(tag);
  }
}

/** A server listening on host:port (port 0: any free port) and its "host:port". */
export async function listenTcp(host = '127.0.0.1', port = 0): Promise<{ server: Server; address: string }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  if (!bound || typeof bound === 'string') throw new LoomError(`TCP server on ${host} has no port`);
  return { server, address: formatAddress(host, bound.port) };
}

/** Connects rank `options.rank` to every other rank; resolves when the mesh is complete. */
export async function connectTcpTransport(options: TcpTransportOptions): Promise<TcpTransport> {
  const { rank, addresses } = options;
  const size = addresses.length;
  if (!Number.isInteger(rank) || rank < 0 || rank >= size) throw new LoomError(`TCP rank ${rank} is outside the ${size} addresses given`);
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const deadline = Date.now() + (options.connectTimeoutMs ?? 30_000);
  const links: TcpLink[] = new Array<TcpLink>(size);
  const inboxes = Array.from({ length: size }, (_, peer) => new Inbox(`rank ${peer} (tcp ${addresses[peer]}, to rank ${rank})`));
  let transport: TcpTransport | null = null;
  const connectionErrors: LoomError[] = [];
  const onError = (error: LoomError): void => {
    (transport?.connectionErrors ?? connectionErrors).push(error);
    options.onConnectionError?.(error);
  };
  const linkOptions = { localRank: rank, size, maxFrameBytes, onError, inboxFor: (peer: number) => inboxes[peer] };

  const owned = options.server === undefined;
  const server = options.server ?? (await listenOn(addresses[rank]));
  const pendingAccepts = new Set<number>(Array.from({ length: size - rank - 1 }, (_, i) => rank + 1 + i));
  let toAccept = pendingAccepts.size;
  let allAccepted!: () => void;
  const acceptedAll = new Promise<void>((resolve) => (allAccepted = resolve));
  if (toAccept === 0) allAccepted();
  const onConnection = (socket: Socket): void => {
    const link = new TcpLink(socket, {
      ...linkOptions,
      admit: (peer) => {
        if (!pendingAccepts.delete(peer)) return `rank ${peer} may not connect to rank ${rank} now (expected one of ${[...pendingAccepts].join(', ') || 'none'})`;
        return null; // claimed at once, so a second connection claiming the same rank is refused
      },
    });
    void link.ready.then(
      (peer) => {
        links[peer] = link;
        if (--toAccept === 0) allAccepted();
      },
      () => {}, // reported through onError; keep listening for the real peer
    );
  };
  server.on('connection', onConnection);

  try {
    const dials = Array.from({ length: rank }, async (_, peer) => {
      links[peer] = await dial(addresses[peer], peer, deadline, linkOptions);
    });
    await withDeadline(Promise.all([...dials, acceptedAll]), deadline, () => {
      const missing = [...pendingAccepts].map((p) => `rank ${p} never connected`);
      return new LoomError(`rank ${rank}: TCP mesh incomplete after ${options.connectTimeoutMs ?? 30_000} ms: ${missing.join(', ') || 'dialing lower ranks'}`);
    });
  } catch (error) {
    for (const link of links) void link?.close();
    throw error;
  } finally {
    server.off('connection', onConnection);
    if (owned) server.close();
  }
  transport = new TcpTransport(rank, links, inboxes, maxFrameBytes);
  transport.connectionErrors.push(...connectionErrors);
  return transport;
}

async function listenOn(address: string): Promise<Server> {
  const { host, port } = parseAddress(address);
  return (await listenTcp(host, port)).server;
}

async function dial(address: string, peer: number, deadline: number, linkOptions: Omit<ConstructorParameters<typeof TcpLink>[1], 'expectedPeer'>): Promise<TcpLink> {
  const { host, port } = parseAddress(address);
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      const socket = await new Promise<Socket>((resolve, reject) => {
        const s = connect({ host, port });
        s.once('connect', () => {
          s.off('error', reject);
          resolve(s);
        });
        s.once('error', reject);
      });
      const link = new TcpLink(socket, { ...linkOptions, expectedPeer: peer });
      await link.ready;
      return link;
    } catch (error) {
      lastError = error;
      if (error instanceof LoomError) throw error; // reached something that is not rank `peer`
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new LoomError(`could not connect to rank ${peer} at ${address}: ${lastError instanceof Error ? lastError.message : 'timed out'}`, { cause: lastError });
}

function withDeadline<T>(work: Promise<T>, deadline: number, timeoutError: () => LoomError): Promise<T> {
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
