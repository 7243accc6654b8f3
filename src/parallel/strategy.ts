/**
 * The strategy seam (DESIGN.md): a strategy owns the training loop of each of its roles (worker,
 * server, peer, ...), validates its own options with its own zod schema, and composes the step
 * primitives of train/ (StepKit) with the collectives of comm/. Launchers (threads, procs, hosts,
 * virtual) start ranks and hand each a RankContext; they know nothing of the strategy.
 */
import type { z } from 'zod';
import type { Communicator } from '../comm/index.js';
import type { LoomConfig } from '../config/schema.js';
import type { DatasetSplit } from '../data/index.js';
import type { Checkpoint } from '../train/checkpoint.js';
import type { MetricRecord } from '../train/metrics.js';
import type { TrainResult } from '../train/trainer.js';
import type { WorldView } from './world-view.js';

/** What the launcher of a rank provides, whatever the strategy. */
export interface RankSetup {
  readonly config: LoomConfig;
  /** Checkpoint to start from (file path or decoded); every rank resumes from the same one. */
  readonly resume?: string | Checkpoint;
  /** Already-loaded data (virtual ranks share one copy). */
  readonly data?: DatasetSplit;
  /** The lead rank's metrics records go here (to the driver's stream, a parent thread or the coordinator). */
  readonly report?: (record: MetricRecord, persist: boolean) => void;
  /** The lead rank's checkpoints go here (default: written to output.dir by that rank). */
  readonly writeCheckpoint?: (checkpoint: Checkpoint) => void | Promise<void>;
  /** Aborted when the job fails elsewhere: pass it to every collective. */
  readonly signal?: AbortSignal;
  /**
   * Virtual mode: the simulated seconds of a compute that took `measuredSeconds` of wall time over
   * `samples` samples (in a RankContext, with the rank's injected stragglers). Nothing is charged:
   * an event-ordered strategy waits for the compute's end on the world's clock (`waitUntil`).
   */
  readonly computeSeconds?: (measuredSeconds: number, samples: number) => number;
  /** Virtual mode: every rank's live parameters, for measurements at one simulated instant (world-view.ts). */
  readonly world?: WorldView;
  /** Receives a function that asks the rank's loop to stop (at a step the strategy agrees on). */
  readonly onStart?: (stop: () => void) => void;
}

/** What one rank of a job gets. */
export interface RankContext extends RankSetup {
  readonly rank: number;
  readonly size: number;
  /** This rank's role, and every rank's (index = rank). */
  readonly role: string;
  readonly roles: readonly string[];
  readonly comm: Communicator;
  /** Timeout of one collective or message, milliseconds (distributed.timeoutSec). */
  readonly timeoutMs: number;
  /**
   * Charges a compute to this rank and returns its seconds: on a simulated clock, moves the clock
   * by computeSeconds; elsewhere, sleeps what injected stragglers add. Absent: nothing to charge.
   */
  readonly chargeCompute?: (measuredSeconds: number, samples: number) => number;
}

/** The roles of a strategy whose every rank is a worker. */
export function workersOnly(workers: number): string[] {
  return Array.from({ length: workers }, () => 'worker');
}

export interface Strategy<O> {
  readonly name: string;
  /** The strategy's options (`strategy:` in a config, without `type`), checked before any worker starts. */
  readonly options: z.ZodType<O>;
  /** True for the strategy whose reducer a config's `robust` section replaces (ddp); the others refuse the section. */
  readonly robustAggregation?: boolean;
  /**
   * The role of every rank for a job of `workers` training workers (distributed.workers); the
   * list's length is the job's world size (a parameter server adds its server ranks).
   */
  roles(workers: number, options: O, config: LoomConfig): readonly string[];
  /**
   * Checks what the options cannot check alone (the model's size, the optimizer, the mode), with a
   * one-line LoomError naming the key and value; runs before any worker starts.
   */
  check?(options: O, config: LoomConfig): void;
  /** Whether the job can go on without `rank` (distributed.onFailure continue); default never. */
  tolerates?(rank: number, roles: readonly string[], options: O): boolean;
  /** Runs one rank's loop to its end; resolves with its result. */
  run(ctx: RankContext, options: O): Promise<TrainResult>;
}

/** The time limit and cancellation every message of a job carries. */
export interface TransferLimits {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** Point-to-point options for a strategy's message tag, under the job's limits (a RankContext is one). */
export function transferOptions(tag: number, limits: TransferLimits): { tag: number; timeoutMs: number; signal?: AbortSignal } {
  return { tag, timeoutMs: limits.timeoutMs, ...(limits.signal ? { signal: limits.signal } : {}) };
}
