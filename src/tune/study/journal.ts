/**
 * A study is an append-only journal of operations (after Optuna's JournalStorage): trials are
 * created, get parameters, report intermediate values, change state. Every process that shares a
 * study reads the same journal and replays it into the same state (replay.ts), so a backend only
 * has to append and read in order — the embedded SQLite file and PostgreSQL are two small
 * implementations of this interface, and a tuner killed and restarted rebuilds its schedulers'
 * state by replaying.
 *
 * Decisions that must not be taken twice (creating trial k, resuming a paused trial) append
 * conditionally: only if nobody appended since the journal position the decision was made at.
 * A worker that loses the race re-reads and decides again, so two workers never run the same
 * promotion and never propose the same point from the same history.
 */
import type { Distribution, ParamValue } from '../space/distribution.js';
import type { Direction, TrialState } from './trial.js';

export type JournalOp =
  /** The first entry of every study. */
  | { readonly op: 'study'; readonly name: string; readonly direction: Direction; readonly at: number }
  /** A new trial; its id is this entry's position. `params`: drawn jointly at creation. `waiting`: queued for any worker. */
  | {
      readonly op: 'create';
      readonly waiting?: boolean;
      readonly worker: string;
      readonly at: number;
      readonly attrs: Readonly<Record<string, unknown>>;
      readonly params: Readonly<Record<string, { readonly distribution: Distribution; readonly value: ParamValue }>>;
    }
  | { readonly op: 'param'; readonly trial: number; readonly name: string; readonly distribution: Distribution; readonly value: ParamValue }
  | { readonly op: 'report'; readonly trial: number; readonly step: number; readonly value: number; readonly at: number }
  /** running (a resume or the claim of a waiting trial, by `worker`), paused, complete (with `value`), pruned, failed. */
  | { readonly op: 'state'; readonly trial: number; readonly state: TrialState; readonly value?: number | null; readonly worker?: string; readonly at: number }
  | { readonly op: 'attrs'; readonly trial: number; readonly attrs: Readonly<Record<string, unknown>> }
  | { readonly op: 'heartbeat'; readonly trial: number; readonly at: number };

export interface JournalEntry {
  /** 1, 2, 3, ... with no gaps, in append order. */
  readonly seq: number;
  readonly op: JournalOp;
}

export interface JournalBackend {
  /** Where the journal lives, for messages (a file path, a URL without its password, "memory"). */
  readonly location: string;
  /**
   * Appends `ops` in order, atomically, and returns the seq of the first. With `ifLastSeq`, only
   * if the journal still ends at that seq; otherwise appends nothing and returns null.
   */
  append(ops: readonly JournalOp[], ifLastSeq?: number): Promise<number | null>;
  /** The entries after `seq`, in order. */
  read(afterSeq: number): Promise<JournalEntry[]>;
  close(): Promise<void>;
}

/** A journal in this process's memory: single-process studies, tests, and the ask/tell API. */
export class MemoryJournal implements JournalBackend {
  readonly location = 'memory';
  private readonly entries: JournalEntry[] = [];

  async append(ops: readonly JournalOp[], ifLastSeq?: number): Promise<number | null> {
    if (ifLastSeq !== undefined && ifLastSeq !== this.entries.length) return null;
    const first = this.entries.length + 1;
    // A structured clone: what is stored cannot change under the caller, as with a database.
    for (const op of ops) this.entries.push({ seq: this.entries.length + 1, op: structuredClone(op) });
    return first;
  }

  async read(afterSeq: number): Promise<JournalEntry[]> {
    return this.entries.slice(Math.max(0, afterSeq));
  }

  async close(): Promise<void> {}
}
