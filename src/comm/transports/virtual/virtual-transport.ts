/**
 * In-process transport: N logical ranks in one thread, each an async program. A send hands the
 * receiver a view of the sender's buffer and the receive copies (or adds) straight from it, so a
 * message is copied once and never buffered in between. Messages up to `eagerBytes` that arrive
 * before their receive are copied and the send resolves at once; larger ones wait for the receive
 * (rendezvous), as on the other transports.
 *
 * With a simulated clock each rank also has a communication stream (`commStream`): the transport
 * of a thread of the rank that only communicates, with the same links and its own clock lane.
 */
import { LoomError, PeerGoneError } from '../../../util/errors.js';
import { bytesOf, type Payload, type RecvOptions, type TransferOptions, type Transport } from '../../transport.js';
import { abortError, Inbox } from '../inbox.js';
import { checkPeer, checkTag } from '../checks.js';
import { COMM_LANE, COMPUTE_LANE, VirtualClock, type MessageCost } from './clock.js';
import { EventQueue } from './event-queue.js';

export interface VirtualWorldOptions {
  /** Messages up to this size are buffered when no receive is posted yet (default 64 KiB). */
  eagerBytes?: number;
  /** Charge simulated time per message; transports' `now()` then returns simulated seconds. */
  cost?: MessageCost;
}

export class VirtualWorld {
  readonly clock: VirtualClock | null;
  /** The world's discrete-event clock (with a simulated clock only). */
  readonly events: EventQueue | null;
  readonly eagerBytes: number;
  private readonly inboxes: Inbox[][];
  /** Arrival times of messages in flight per (from, to, tag), in send order. */
  private readonly arrivals = new Map<string, number[]>();
  private readonly transports: VirtualTransport[];

  constructor(readonly size: number, options: VirtualWorldOptions = {}) {
    if (!Number.isInteger(size) || size < 1) throw new LoomError(`virtual world size must be a positive integer, got ${size}`);
    this.eagerBytes = options.eagerBytes ?? 64 * 1024;
    const clock = options.cost ? new VirtualClock(size, options.cost) : null;
    this.clock = clock;
    this.events = clock ? new EventQueue((rank, time) => clock.receivedAt(rank, time)) : null;
    this.inboxes = Array.from({ length: size }, (_, to) => Array.from({ length: size }, (_, from) => new Inbox(`rank ${from} (virtual, to rank ${to})`)));
    this.transports = Array.from({ length: size }, (_, rank) => new VirtualTransport(this, rank));
  }

  transport(rank: number): Transport {
    return this.transports[rank];
  }

  /** Internal: deliver a message from lane `lane` of `from` to `to`. */
  async deliver(from: number, to: number, tag: number, data: Payload, options?: TransferOptions, lane = COMPUTE_LANE): Promise<void> {
    const inbox = this.inboxes[to][from];
    if (this.clock) pushArrival(this.arrivals, `${from}:${to}:${tag}`, this.clock.arrivalTime(from, to, data.byteLength, lane));
    const sink = inbox.begin(tag, data.byteLength);
    const rendezvous = !sink.matched && data.byteLength > this.eagerBytes;
    sink.write(bytesOf(data), rendezvous);
    sink.end();
    if (!rendezvous) return;
    const signal = options?.signal;
    if (!signal) return sink.consumed;
    if (signal.aborted) {
      sink.retract();
      throw abortError(signal, `rank ${to}`);
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        sink.retract();
        reject(abortError(signal, `rank ${to}`));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      void sink.consumed.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  /** Internal: post a receive and advance the receiving lane's simulated clock when it completes. */
  async receive(from: number, to: number, tag: number, into: Payload, options?: RecvOptions, lane = COMPUTE_LANE): Promise<number> {
    const bytes = await this.inboxes[to][from].post(tag, into, options?.accumulate ?? false, options?.signal);
    if (this.clock) {
      const key = `${from}:${to}:${tag}`;
      const queue = this.arrivals.get(key);
      const arrival = queue?.shift();
      if (queue?.length === 0) this.arrivals.delete(key);
      if (arrival !== undefined) {
        if (options?.deferClock) options.deferClock(arrival);
        else this.clock.receivedAt(to, arrival, lane);
      }
    }
    return bytes;
  }

  close(rank: number): void {
    const error = new PeerGoneError(`virtual rank ${rank} closed its transport`);
    for (let peer = 0; peer < this.size; peer++) {
      this.inboxes[rank][peer].failAll(error);
      this.inboxes[peer][rank].failAll(error);
    }
  }
}

class VirtualTransport implements Transport {
  readonly size: number;
  readonly now: (() => number) | undefined;
  readonly advanceClock: ((seconds: number) => void) | undefined;
  readonly waitUntil: ((seconds: number) => Promise<void>) | undefined;
  readonly commStream: (() => Transport) | undefined;
  private closed = false;

  constructor(private readonly world: VirtualWorld, readonly rank: number, private readonly lane = COMPUTE_LANE) {
    this.size = world.size;
    const clock = world.clock;
    this.now = clock ? () => clock.now(rank, lane) : undefined;
    this.advanceClock = clock ? (seconds) => clock.receivedAt(rank, seconds, lane) : undefined;
    const events = world.events;
    // The world's event queue orders ranks' own (compute-lane) moments only.
    this.waitUntil = events && lane === COMPUTE_LANE ? (seconds) => events.waitUntil(rank, seconds) : undefined;
    this.commStream = clock && lane === COMPUTE_LANE ? () => new VirtualTransport(world, rank, COMM_LANE) : undefined;
  }

  async send(to: number, tag: number, data: Payload, options?: TransferOptions): Promise<void> {
    this.check(to, tag, 'send to');
    return this.world.deliver(this.rank, to, tag, data, options, this.lane);
  }

  async recv(from: number, tag: number, into: Payload, options?: RecvOptions): Promise<number> {
    this.check(from, tag, 'receive from');
    return this.world.receive(from, this.rank, tag, into, options, this.lane);
  }

  /** Closing the rank closes its links; its communication stream only stops using them. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.lane === COMPUTE_LANE) this.world.close(this.rank);
  }

  private check(peer: number, tag: number, what: string): void {
    if (this.closed) throw new LoomError(`virtual rank ${this.rank} cannot ${what} rank ${peer}: transport closed`);
    checkPeer(this.rank, this.size, peer, what);
    checkTag(tag);
  }
}

function pushArrival(map: Map<string, number[]>, key: string, time: number): void {
  const list = map.get(key);
  if (list) list.push(time);
  else map.set(key, [time]);
}

/** `size` connected in-process transports (one world). */
export function createVirtualTransports(size: number, options?: VirtualWorldOptions): Transport[] {
  const world = new VirtualWorld(size, options);
  return Array.from({ length: size }, (_, rank) => world.transport(rank));
}
