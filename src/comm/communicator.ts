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
import { ringAllGatherVInPlace } from './all-gather/ring-v.js';
import { ALL_REDUCE } from './allreduce/registry.js';
import { sharedMemoryAllReduce } from './allreduce/shared-memory.js';
import { disseminationBarrier } from './barrier/dissemination.js';
import { binomialBroadcast } from './broadcast/binomial-tree.js';
import { measureCostModel, type CalibrationOptions } from './calibrate.js';
import { CombiningLink } from './combining-link.js';
import { chooseAllReduceAlgorithm, DEFAULT_COST_MODEL, type CostModel } from './cost-model.js';
import { arrayName, isCommArray, type CommArray, type ElementArray } from './element-types.js';
import { divideBy, sumInto } from './kernels/float-kernels.js';
import { reducerFor, type Reducer } from './kernels/reductions.js';
import type { ReducingLink } from './link.js';
import { OpContext } from './op-context.js';
import {
  ALL_REDUCE_ALGORITHMS,
  DEFAULT_TIMEOUT_MS,
  type AllReduceAlgorithm,
  type AllReduceOptions,
  type MessageAllReduceAlgorithm,
  type OpOptions,
  type PointToPointOptions,
  type ReduceOp,
  type ReduceOptions,
} from './options.js';
import { binomialReduce } from './reduce/binomial-tree.js';
import { ringReduceScatter } from './reduce-scatter/ring.js';
import { segmentLength, segmentStart } from './segments.js';
import type { SharedArena } from './shared-arena.js';
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

  /**
   * What `algorithm: 'auto'` runs for a vector of `bytes` bytes on this communicator: shared memory
   * where the ranks share it (no message costs less than reading a peer's memory in place), else
   * the message algorithm the cost model predicts fastest.
   */
  chooseAllReduceAlgorithm(bytes: number): AllReduceAlgorithm {
    if (this.transport.sharedArena && this.size > 1) return 'shared-memory';
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

  /** Root's `buf` to every rank: moves bytes, for every element type. */
  async broadcast<T extends ElementArray<T> & CommArray>(buf: T, root: number, options: OpOptions = {}): Promise<void> {
    this.checkRoot(root, 'broadcast');
    checkElements(buf, `broadcast on rank ${this.rank}`, 'buf');
    await this.collective('broadcast', options, (ctx) => binomialBroadcast(ctx, buf, root));
  }

  /**
   * Every rank's `buf` reduced (op: default sum; see options.ts and kernels/reductions.ts for the
   * element types each op is defined on) into `buf` on `root`; other ranks' buffers are unchanged.
   */
  async reduce<T extends ElementArray<T> & CommArray>(buf: T, root: number, options: ReduceOptions<T> = {}): Promise<void> {
    this.checkRoot(root, 'reduce');
    if (buf instanceof Float32Array && isFloatSum(options.op, options.dtype)) {
      const mean = options.op === 'mean';
      return this.collective('reduce', options, async (ctx) => {
        await binomialReduce(ctx, buf, root, true);
        if (mean && this.rank === root) divideBy(buf, this.size);
      });
    }
    const reducer = reducerFor(`reduce on rank ${this.rank}`, buf, options.op, options.dtype);
    await this.collective('reduce', options, async (ctx) => {
      await binomialReduce(new CombiningLink(ctx, reducer), buf, root, true);
      if (this.rank === root) reducer.finish?.(buf, this.size);
    });
  }

  /**
   * Element-wise reduction over all ranks, in place (op: default sum; see options.ts and
   * kernels/reductions.ts for the element types each op is defined on). `options` may be just the op.
   * Float32 sum and mean take the transports' accumulating receive; everything else combines
   * each message after it arrives (combining-link.ts).
   */
  async allReduce<T extends ElementArray<T> & CommArray>(buf: T, options: AllReduceOptions<T> | ReduceOp = {}): Promise<void> {
    const opts: AllReduceOptions<T> = typeof options === 'string' ? { op: options } : options;
    const requested = opts.algorithm ?? 'auto';
    if (requested !== 'auto' && !ALL_REDUCE_ALGORITHMS.includes(requested)) {
      throw new LoomError(`allReduce algorithm must be one of ${ALL_REDUCE_ALGORITHMS.join(', ')} or auto, got ${showValue(requested)}`);
    }
    const algorithm = requested === 'auto' ? this.chooseAllReduceAlgorithm(buf.byteLength) : requested;
    const name = `allReduce:${algorithm}`;
    const arena = algorithm === 'shared-memory' ? this.sharedArena() : null;
    if (buf instanceof Float32Array && isFloatSum(opts.op, opts.dtype)) {
      const floats: Float32Array = buf;
      const finish = opts.op === 'mean' ? (part: Float32Array): void => divideBy(part, this.size) : null;
      if (arena) return this.collective(name, opts, (ctx) => sharedMemoryAllReduce(arena, ctx, floats, sumInto, finish));
      const run = ALL_REDUCE[algorithm as MessageAllReduceAlgorithm];
      return this.collective(name, opts, (ctx) => run(ctx, floats, finish));
    }
    const reducer = reducerFor(`allReduce on rank ${this.rank}`, buf, opts.op, opts.dtype);
    if (arena) return this.collective(name, opts, (ctx) => sharedMemoryAllReduce(arena, ctx, buf, reducer.combine, this.finisher(reducer)));
    const run = ALL_REDUCE[algorithm as MessageAllReduceAlgorithm];
    await this.collective(name, opts, (ctx) => run(new CombiningLink(ctx, reducer), buf, this.finisher(reducer)));
  }

  /**
   * Concatenation of every rank's `part` into `out` (length N), by the segment layout of
   * segments.ts: rank r's part is segment r of N (length floor(N/size), +1 for r < N % size).
   * Moves bytes, for every element type.
   */
  async allGather<T extends ElementArray<T> & CommArray>(part: T, out: T, options: OpOptions = {}): Promise<void> {
    checkSameType(part, out, `allGather on rank ${this.rank}`);
    this.checkSegment(part.length, out.length, 'allGather', 'part');
    await this.collective('allGather', options, async (ctx) => {
      out.set(part, segmentStart(out.length, this.size, this.rank));
      await ringAllGatherInPlace(ctx, out);
    });
  }

  /**
   * Variable-size all-gather (MPI_Allgatherv): rank r contributes `counts[r]` elements (0 is fine)
   * and `out` receives every part in rank order. Every rank passes the same `counts`. Moves bytes,
   * for every element type.
   */
  async allGatherV<T extends ElementArray<T> & CommArray>(part: T, counts: readonly number[], out: T, options: OpOptions = {}): Promise<void> {
    const what = `allGatherV on rank ${this.rank}`;
    checkSameType(part, out, what);
    const offsets = this.countOffsets(counts, what);
    if (part.length !== counts[this.rank]) throw new LoomError(`${what}: part has ${part.length} elements, but counts[${this.rank}] is ${counts[this.rank]}`);
    const total = offsets[this.size];
    if (out.length !== total) throw new LoomError(`${what}: out has ${out.length} elements, but the counts add up to ${total}`);
    await this.collective('allGatherV', options, async (ctx) => {
      out.set(part, offsets[this.rank]);
      await ringAllGatherVInPlace(ctx, out, offsets);
    });
  }

  /**
   * Segment `rank` of `buf` (layout: segments.ts) reduced over ranks into `out` (op: default sum,
   * as for allReduce); `buf` is unchanged.
   */
  async reduceScatter<T extends ElementArray<T> & CommArray>(buf: T, out: T, options: ReduceOptions<T> = {}): Promise<void> {
    checkSameType(buf, out, `reduceScatter on rank ${this.rank}`);
    this.checkSegment(out.length, buf.length, 'reduceScatter', 'out');
    if (buf instanceof Float32Array && out instanceof Float32Array && isFloatSum(options.op, options.dtype)) {
      const mean = options.op === 'mean';
      return this.collective('reduceScatter', options, async (ctx) => {
        await ringReduceScatter(ctx, buf, out, (length) => new Float32Array(length));
        if (mean) divideBy(out, this.size);
      });
    }
    const reducer = reducerFor(`reduceScatter on rank ${this.rank}`, buf, options.op, options.dtype);
    await this.collective('reduceScatter', options, async (ctx) => {
      await ringReduceScatter(new CombiningLink(ctx, reducer), buf, out, (length) => buf.slice(0, length));
      reducer.finish?.(out, this.size);
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
    const interrupt = (describe: string, cause?: unknown): void => {
      if (interruption) return;
      const waits = ctx.describeWaits();
      interruption = new LoomError(`${name} on rank ${this.rank} ${describe}${waits ? ` waiting for ${waits}` : ''}`, cause === undefined ? undefined : { cause });
      controller.abort(interruption);
    };
    const timer = setTimeout(() => interrupt(`timed out after ${timeoutMs} ms`), timeoutMs);
    const onCancel = (): void => interrupt(`was cancelled${reasonText(options.signal?.reason)}`, options.signal?.reason);
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

  /** The transport's shared-memory arena, or a one-line refusal where ranks share no memory. */
  private sharedArena(): SharedArena {
    const arena = this.transport.sharedArena;
    if (!arena) throw new LoomError(`allReduce algorithm shared-memory needs ranks that share memory (the threads transport); rank ${this.rank}'s transport has none`);
    return arena;
  }

  private checkRoot(root: number, op: string): void {
    if (!Number.isInteger(root) || root < 0 || root >= this.size) throw new LoomError(`${op} root must be a rank in 0..${this.size - 1}, got ${showValue(root)}`);
  }

  /** `finish` for the algorithms: the reducer's, with this world's size. */
  private finisher<T>(reducer: Reducer<T>): ((part: T) => void) | null {
    const finish = reducer.finish;
    return finish ? (part) => finish(part, this.size) : null;
  }

  /** Offsets (size + 1 entries) of the parts that `counts` describe, or a one-line LoomError. */
  private countOffsets(counts: readonly number[], what: string): number[] {
    if (!Array.isArray(counts) || counts.length !== this.size) {
      throw new LoomError(`${what}: counts must have one entry per rank (${this.size}), got ${Array.isArray(counts) ? `${counts.length} entries` : showValue(counts)}`);
    }
    const offsets = [0];
    counts.forEach((count, r) => {
      if (!Number.isInteger(count) || count < 0) throw new LoomError(`${what}: counts[${r}] must be a non-negative integer, got ${showValue(count)}`);
      offsets.push(offsets[r] + count);
    });
    return offsets;
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

/** Float32 sum or mean: the path the transports accumulate themselves (float-kernels.ts). */
function isFloatSum(op: unknown, dtype: unknown): boolean {
  return (op === undefined || op === 'sum' || op === 'mean') && dtype === undefined;
}

function checkElements(buf: unknown, what: string, name: string): void {
  if (!isCommArray(buf)) throw new LoomError(`${what}: ${name} must be a Float32Array, Float64Array, Int32Array, Uint8Array or Uint16Array, got ${arrayName(buf)}`);
}

function checkSameType(part: CommArray, out: CommArray, what: string): void {
  checkElements(part, what, 'part');
  if (part.constructor !== out.constructor) throw new LoomError(`${what}: part is a ${arrayName(part)} but out is a ${arrayName(out)}`);
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
