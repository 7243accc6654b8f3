/**
 * A study is an append-only journal of operations (after Optuna's JournalStorage): trials are
 * created, get parameters, report intermediate values, change state. Every process that shares a
 * study reads the same journal and replays it into the same state (replay.ts), so a store only
 * has to append and read in order (src/store: memory, an SQLite file, PostgreSQL), and a tuner
 * killed and restarted rebuilds its schedulers' state by replaying.
 *
 * Decisions that must not be taken twice (creating trial k, resuming a paused trial) append
 * conditionally: only if nobody appended since the journal position the decision was made at.
 * A worker that loses the race re-reads and decides again, so two workers never run the same
 * promotion and never propose the same point from the same history.
 */
import { MemoryJournal, type JournalEntryOf, type JournalStore } from '../../store/index.js';
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

/** A study's journal in one of the stores of src/store (memory, SQLite file, PostgreSQL). */
export type JournalBackend = JournalStore<JournalOp>;
export type JournalEntry = JournalEntryOf<JournalOp>;

/** A new in-memory journal for a study. */
export function memoryJournal(): JournalBackend {
  return new MemoryJournal<JournalOp>();
}
