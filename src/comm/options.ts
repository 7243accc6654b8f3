/** Options every communicator operation takes (Gloo-style: algorithm, tag and timeout per call). */
import type { CommArray, HalfFormat } from './element-types.js';

/** Built-in reductions; which element types each is defined on: kernels/reductions.ts. */
export type ReduceOp = 'sum' | 'mean' | 'max' | 'min' | 'prod';
export const REDUCE_OPS: readonly ReduceOp[] = ['sum', 'mean', 'max', 'min', 'prod'];
/**
 * A custom reduction: element-wise `into[i] = into[i] ⊕ from[i]` over arrays of the buffer's type
 * (raw bits for Uint16Array). It must be associative and commutative, and the same function on
 * every rank: each algorithm groups partial results differently on different ranks.
 */
export type CustomReduce<T> = (into: T, from: T) => void;
/** All-reduce algorithms that exchange messages, over any transport (priced by cost-model.ts). */
export type MessageAllReduceAlgorithm = 'ring' | 'halving-doubling' | 'tree';
/** ... and 'shared-memory', for ranks that share memory (the threads transport's arena). */
export type AllReduceAlgorithm = MessageAllReduceAlgorithm | 'shared-memory';

export interface OpOptions {
  /** Reject with a LoomError after this many milliseconds (default: the communicator's, 60 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ReduceOptions<T extends CommArray = Float32Array> extends OpOptions {
  /** Default 'sum'. */
  op?: ReduceOp | CustomReduce<T>;
  /** How a Uint16Array's bits read for a reduction: IEEE half ('f16') or bfloat16 ('bf16'). */
  dtype?: HalfFormat;
}

export interface AllReduceOptions<T extends CommArray = Float32Array> extends ReduceOptions<T> {
  /**
   * 'auto' (default): 'shared-memory' where the transport has an arena (threads), else the message
   * algorithm the communicator's alpha-beta cost model predicts fastest for the size.
   */
  algorithm?: AllReduceAlgorithm | 'auto';
}

export interface PointToPointOptions extends OpOptions {
  /** User tag in [0, 2^30); default 0. */
  tag?: number;
  /** recv on a simulated clock: report the arrival time instead of moving the clock to it (see RecvOptions). */
  deferClock?: (arrivalSeconds: number) => void;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const MESSAGE_ALL_REDUCE_ALGORITHMS: readonly MessageAllReduceAlgorithm[] = ['ring', 'halving-doubling', 'tree'];
export const ALL_REDUCE_ALGORITHMS: readonly AllReduceAlgorithm[] = [...MESSAGE_ALL_REDUCE_ALGORITHMS, 'shared-memory'];
