/** Options every communicator operation takes (Gloo-style: algorithm, tag and timeout per call). */
export type ReduceOp = 'sum' | 'mean';
export type AllReduceAlgorithm = 'ring' | 'halving-doubling' | 'tree';

export interface OpOptions {
  /** Reject with a LoomError after this many milliseconds (default: the communicator's, 60 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ReduceOptions extends OpOptions {
  op?: ReduceOp;
}

export interface AllReduceOptions extends ReduceOptions {
  /** 'auto' (default) picks by message size from the communicator's alpha-beta cost model. */
  algorithm?: AllReduceAlgorithm | 'auto';
}

export interface PointToPointOptions extends OpOptions {
  /** User tag in [0, 2^30); default 0. */
  tag?: number;
  /** recv on a simulated clock: report the arrival time instead of moving the clock to it (see RecvOptions). */
  deferClock?: (arrivalSeconds: number) => void;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const ALL_REDUCE_ALGORITHMS: readonly AllReduceAlgorithm[] = ['ring', 'halving-doubling', 'tree'];
