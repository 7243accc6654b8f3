/**
 * The persistence seam under Loom's studies (and later other append-only records): a named
 * journal of JSON entries with two operations (after Optuna's JournalStorage backends:
 * `append_logs`, `read_logs`). One table, the same schema in every backend:
 *
 *     loom_journal(journal TEXT, seq INTEGER, entry TEXT, PRIMARY KEY (journal, seq))
 *
 * `append` is atomic (all entries or none) and, with `ifLastSeq`, conditional: it appends only if
 * the journal still ends at that seq — the compare-and-set that lets many processes on many
 * machines share one journal without a lock held across their work.
 */
import { LoomError } from '../util/errors.js';

export interface JournalEntryOf<T> {
  /** 1, 2, 3, ... with no gaps, in append order. */
  readonly seq: number;
  readonly op: T;
}

export interface JournalStore<T> {
  /** Where the journal lives, for messages (a file path, a URL without its password, "memory"). */
  readonly location: string;
  /** Appends `ops` in order, atomically; returns the seq of the first, or null when `ifLastSeq` no longer holds. */
  append(ops: readonly T[], ifLastSeq?: number): Promise<number | null>;
  /** The entries after `afterSeq`, in order. */
  read(afterSeq: number): Promise<JournalEntryOf<T>[]>;
  close(): Promise<void>;
}

/** Journals that live in one database: list them, open one by name. */
export interface JournalDatabase {
  readonly location: string;
  /** Journal names with their entry counts. */
  list(): Promise<{ readonly name: string; readonly entries: number }[]>;
  open<T>(name: string): JournalStore<T>;
  close(): Promise<void>;
}

/** The one table every database store keeps its journals in (the same DDL in SQLite and PostgreSQL). */
export const JOURNAL_TABLE = `CREATE TABLE IF NOT EXISTS loom_journal (
  journal TEXT NOT NULL,
  seq INTEGER NOT NULL,
  entry TEXT NOT NULL,
  PRIMARY KEY (journal, seq)
)`;

/** A journal in this process's memory: single-process studies and tests. */
export class MemoryJournal<T> implements JournalStore<T> {
  readonly location = 'memory';
  private readonly entries: JournalEntryOf<T>[] = [];

  async append(ops: readonly T[], ifLastSeq?: number): Promise<number | null> {
    if (ifLastSeq !== undefined && ifLastSeq !== this.entries.length) return null;
    const first = this.entries.length + 1;
    // Stored as JSON, as the databases store it: what is kept cannot change under the caller, the
    // same values survive, and an entry JSON cannot hold fails the whole append before any is kept.
    const copies = ops.map((op) => JSON.parse(JSON.stringify(op)) as T);
    copies.forEach((op, i) => this.entries.push({ seq: first + i, op }));
    return first;
  }

  async read(afterSeq: number): Promise<JournalEntryOf<T>[]> {
    return this.entries.slice(Math.max(0, afterSeq));
  }

  async close(): Promise<void> {}
}

/** Parses a stored entry, naming the journal and seq of a damaged one. */
export function parseEntry<T>(location: string, journal: string, seq: number, text: string): JournalEntryOf<T> {
  try {
    return { seq, op: JSON.parse(text) as T };
  } catch (error) {
    throw new LoomError(`${location}: journal "${journal}" entry ${seq} is not valid JSON (${(error as Error).message})`, { cause: error });
  }
}
