/**
 * What a worker's job sees: the generation it runs in, its rank, the mesh, and the two ways back
 * to the coordinator (checkpoints and reports). Shared by the coordinator and the worker.
 */
import type { Transport } from '../comm/index.js';

export interface JobStart {
  /** 0 for the first start, +1 per restart. */
  generation: number;
  rank: number;
  size: number;
  /** Data-plane address of every rank, in rank order. */
  addresses: string[];
  /** The JSON the coordinator was given (e.g. { kind: 'train', config }). */
  payload: unknown;
  /** The latest checkpoint the coordinator holds (or was given at start), else null. */
  resume: Uint8Array | null;
}

export interface WorkerContext extends JobStart {
  /** The TCP mesh of this generation, already connected. */
  transport: Transport;
  /** Aborted when the coordinator aborts this generation (a peer failed); pass it to collectives. */
  signal: AbortSignal;
  /** Aborted when the coordinator asks the job to end early and cleanly (e.g. Ctrl-C on the coordinator). */
  stopRequested: AbortSignal;
  /** Ships a checkpoint (opaque bytes) to the coordinator; resolves once it is written atomically. */
  saveCheckpoint(bytes: Uint8Array, step: number): Promise<void>;
  /** Fire-and-forget JSON record (metrics) to the coordinator. */
  report(record: unknown): void;
}

/** One worker's part of a job; resolves with a JSON result. */
export type WorkerJob = (ctx: WorkerContext) => Promise<unknown>;

/** One rank failure, as the coordinator saw it. */
export interface FailureRecord {
  generation: number;
  rank: number;
  /** IP address of the worker's control connection. */
  host: string;
  /** The hostname the worker reported. */
  hostname: string;
  pid: number;
  /** Why, in a few words: e.g. "control connection closed without a goodbye". */
  cause: string;
  /** The whole one-line message: "rank 2 (host 127.0.0.1, pid 4242) failed: <cause>". */
  message: string;
}
