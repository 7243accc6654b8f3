/**
 * Collectives and point-to-point messages over any Transport, with an options object per call
 * (algorithm, timeout, AbortSignal), tags that keep concurrent operations apart, and byte/time
 * accounting. Every rank must call the same collectives in the same order with buffers of the
 * same length (as in MPI and Gloo).
 *
 * Failure: a collective that times out, is cancelled or loses a peer rejects with a LoomError that
 * names the operation, this rank and the peers it was waiting on. Its messages may be half
 * delivered, so the communicator refuses further collectives (create a new one, as with
 * ncclCommAbort). A failed send/recv leaves it usable.
 */
import { LoomError, showValue } from '../util/errors.js';
import { ringAllGatherInPlace } from './all-gather/ring.js';
import { ALL_REDUCE } from './allreduce/registry.js';
import { disseminationBarrier } from './barrier/dissemination.js';
import { binomialBroadcast } from './broadcast/binomial-tree.js';
import { measureCostModel, type CalibrationOptions } from './calibrate.js';
import { chooseAllReduceAlgorithm, DEFAULT_COST_MODEL, type CostModel } from './cost-model.js';
import { divideBy } from './kernels/float-kernels.js';
import { OpContext } from './op-context.js';
import {
  ALL_REDUCE_ALGORITHMS,
  DEFAULT_TIMEOUT_MS,
  type AllReduceAlgorithm,
  type AllReduceOptions,
  type OpOptions,
  type PointToPointOptions,
  type ReduceOp,
  type ReduceOptions,
} from './options.js';
import { binomialReduce } from './reduce/binomial-tree.js';
import { ringReduceScatter } from './reduce-scatter/ring.js';
import { segmentLength, segmentStart } from './segments.js';
import { CommStats } from './stats.js';
import { collectiveTag, MAX_USER_TAG } from './tags.js';
import type { Transport } from './transport.js';
import { SubTransport } from './transports/sub-transport.js';

export interface CommunicatorOptions {
  /** Timeout of every operation that does not set its own (default 60 s). */
  timeoutMs?: number;
  /** Cost model for `auto`; default: a fixed guess until `calibrate()` measures one. */
  costModel?: Omit<CostModel, 'source'>;
}

export interface CreateCommunicatorOptions extends CommunicatorOptions {
  /** Measure alpha and beta with a ping-pong at start-up (default true unless costModel is given). */
  calibrate?: boolean | CalibrationOptions;
}

export class Communicator {
  readonly rank: number;
  readonly size: number;
  readonly stats = new CommStats();
  private model: CostModel;
  private readonly timeoutMs: number;
  private sequence = 0;
  private failure: LoomError | null = null;
  private readonly clock: () => number;

  constructor(readonly transport: Transport, options: CommunicatorOptions = {}) {
    this.rank = transport.rank;
    this.size = transport.size;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.model = options.costModel ? { ...options.costModel, source: 'given' } : DEFAULT_COST_MODEL;
    this.clock = transport.now ?? (() => performance.now() / 1000);
  }

  /** A communicator whose cost model was measured at start-up (collective: all ranks call it). */
  static async create(transport: Transport, options: CreateCommunicatorOptions = {}): Promise<Communicator> {
    const comm = new Communicator(transport, options);
    const calibrate = options.calibrate ?? options.costModel === undefined;
    if (calibrate) await comm.calibrate(typeof calibrate === 'object' ? calibrate : {});
    return comm;
  }

  /**
   * A communicator over a subset of this one's ranks (only those ranks call it), its messages in a
   * tag space of its own keyed by `context` (1..127; distinct for subsets that share a rank).
   * Collectives on it run among the subset; rank numbers are positions in `ranks`.
   */
  subset(ranks: readonly number[], context: number): Communicator {
    return new Communicator(new SubTransport(this.transport, ranks, context), { timeoutMs: this.timeoutMs, costModel: this.model });
  }

  /** The alpha-beta model `auto` uses, and where it came from. */
  get costModel(): CostModel {
    return this.model;
  }

  /** Measures alpha and beta (ping-pong, see calibrate.ts) and uses them from now on. Collective. */
  async calibrate(options: CalibrationOptions & OpOptions = {}): Promise<CostModel> {
    this.model = await this.collective('calibrate', options, (ctx) => measureCostModel(ctx, options));
    return this.model;
  }

  /** What `algorithm: 'auto'` runs for a vector of `bytes` bytes on this communicator. */
  chooseAllReduceAlgorithm(bytes: number): AllReduceAlgorithm {
    return chooseAllReduceAlgorithm(this.size, bytes, this.model);
  }

  async send(to: number, buf: Float32Array | Uint8Array, options: PointToPointOptions = {}): Promise<void> {
    const tag = userTag(options.tag);
    await this.run('send', tag, options, (ctx) => ctx.send(to, buf), false);
  }

  /** Receives into `buf`; resolves with the number of elements received (a shorter message is fine). */
  async recv(from: number, buf: Float32Array | Uint8Array, options: PointToPointOptions = {}): Promise<number> {
    const tag = userTag(options.tag);
    const bytes = await this.run('recv', tag, options, (ctx) => ctx.receive(from, buf, false, options.deferClock), false);
    return bytes / buf.BYTES_PER_ELEMENT;
  }

  async broadcast(buf: Float32Array, root: number, options: OpOptions = {}): Promise<void> {
    this.checkRoot(root, 'broadcast');
    await this.collective('broadcast', options, (ctx) => binomialBroadcast(ctx, buf, root));
  }

  /** Sum (or mean) of every rank's `buf` into `buf` on `root`; other ranks' buffers are unchanged. */
  async reduce(buf: Float32Array, root: number, options: ReduceOptions = {}): Promise<void> {
    this.checkRoot(root, 'reduce');
    const op = reduceOp(options.op);
    await this.collective('reduce', options, async (ctx) => {
      await binomialReduce(ctx, buf, root, true);
      if (op === 'mean' && this.rank === root) divideBy(buf, this.size);
    });
  }

  /** Element-wise sum (or mean) over all ranks, in place. `options` may be just the op. */
  async allReduce(buf: Float32Array, options: AllReduceOptions | ReduceOp = {}): Promise<void> {
    const opts = typeof options === 'string' ? { op: options } : options;
    const op = reduceOp(opts.op);
    const requested = opts.algorithm ?? 'auto';
    if (requested !== 'auto' && !ALL_REDUCE_ALGORITHMS.includes(requested)) {
      throw new LoomError(`allReduce algorithm must be one of ${ALL_REDUCE_ALGORITHMS.join(', ')} or auto, got ${showValue(requested)}`);
    }
    const algorithm = requested === 'auto' ? this.chooseAllReduceAlgorithm(buf.byteLength) : requested;
    await this.collective(`allReduce:${algorithm}`, opts, (ctx) => ALL_REDUCE[algorithm](ctx, buf, op));
  }

  /**
   * Concatenation of every rank's `part` into `out` (length N), by the segment layout of
   * segments.ts: rank r's part is segment r of N (length floor(N/size), +1 for r < N % size).
   */
  async allGather(part: Float32Array, out: Float32Array, options: OpOptions = {}): Promise<void> {
    this.checkSegment(part.length, out.length, 'allGather', 'part');
    await this.collective('allGather', options, async (ctx) => {
      out.set(part, segmentStart(out.length, this.size, this.rank));
      await ringAllGatherInPlace(ctx, out);
    });
  }

  /** Sum (or mean) over ranks of segment `rank` of `buf` (layout: segments.ts) into `out`; `buf` is unchanged. */
  async reduceScatter(buf: Float32Array, out: Float32Array, options: ReduceOptions = {}): Promise<void> {
    this.checkSegment(out.length, buf.length, 'reduceScatter', 'out');
    const op = reduceOp(options.op);
    await this.collective('reduceScatter', options, async (ctx) => {
      await ringReduceScatter(ctx, buf, out);
      if (op === 'mean') divideBy(out, this.size);
    });
  }

  async barrier(options: OpOptions = {}): Promise<void> {
    await this.collective('barrier', options, (ctx) => disseminationBarrier(ctx));
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private collective<T>(name: string, options: OpOptions, body: (ctx: OpContext) => Promise<T>): Promise<T> {
    if (this.failure) {
      return Promise.reject(new LoomError(`${name} on rank ${this.rank}: communicator unusable after an earlier failure (${this.failure.message})`, { cause: this.failure }));
    }
    return this.run(name, collectiveTag(this.sequence++), options, body, true);
  }

  private async run<T>(name: string, tag: number, options: OpOptions, body: (ctx: OpContext) => Promise<T>, poisons: boolean): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    const traffic = this.stats.recorder(name);
    const ctx = new OpContext(name, this.transport, tag, controller.signal, traffic, this.clock);
    let interruption: LoomError | null = null;
    const interrupt = (describe: string): void => {
      if (interruption) return;
      const waits = ctx.describeWaits();
      interruption = new LoomError(`${name} on rank ${this.rank} ${describe}${waits ? ` waiting for ${waits}` : ''}`);
      controller.abort(interruption);
    };
    const timer = setTimeout(() => interrupt(`timed out after ${timeoutMs} ms`), timeoutMs);
    const onCancel = (): void => interrupt(`was cancelled${reasonText(options.signal?.reason)}`);
    options.signal?.addEventListener('abort', onCancel, { once: true });
    if (options.signal?.aborted) onCancel();
    const started = this.clock();
    try {
      if (interruption) throw interruption; // cancelled before it started: do not start
      return await raceAbort(body(ctx), controller.signal);
    } catch (error) {
      const failure = interruption ?? asLoomError(error, name, this.rank);
      controller.abort(failure); // cancel this operation's transfers still pending
      if (poisons) this.failure ??= failure;
      throw failure;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onCancel);
      traffic.finished(this.clock() - started);
    }
  }

  private checkRoot(root: number, op: string): void {
    if (!Number.isInteger(root) || root < 0 || root >= this.size) throw new LoomError(`${op} root must be a rank in 0..${this.size - 1}, got ${showValue(root)}`);
  }

  private checkSegment(segment: number, total: number, op: string, what: string): void {
    const expected = segmentLength(total, this.size, this.rank);
    if (segment !== expected) {
      throw new LoomError(`${op} on rank ${this.rank}: ${what} has ${segment} elements, but segment ${this.rank} of ${total} over ${this.size} ranks has ${expected}`);
    }
  }
}

function userTag(tag: number | undefined): number {
  const value = tag ?? 0;
  if (!Number.isInteger(value) || value < 0 || value > MAX_USER_TAG) throw new LoomError(`message tag must be an integer in 0..${MAX_USER_TAG}, got ${showValue(tag)}`);
  return value;
}

function reduceOp(op: ReduceOp | undefined): ReduceOp {
  if (op === undefined || op === 'sum' || op === 'mean') return op ?? 'sum';
  throw new LoomError(`reduce op must be 'sum' or 'mean', got ${showValue(op)}`);
}

function reasonText(reason: unknown): string {
  if (reason === undefined) return '';
  return `: ${reason instanceof Error ? reason.message : String(reason)}`;
}

function asLoomError(error: unknown, name: string, rank: number): LoomError {
  const message = error instanceof Error ? error.message : String(error);
  return new LoomError(`${name} on rank ${rank} failed: ${message}`, { cause: error });
}

/** Settles with `work`, or rejects as soon as `signal` aborts (a transport that ignores it cannot hang us). */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
