/**
 * Journals in an embedded SQLite file (better-sqlite3): the default study store, shared by any
 * number of processes on one machine. WAL mode (readers never block the writer), a 30 s busy
 * timeout, and every append in a `BEGIN IMMEDIATE` transaction (the write lock is taken up
 * front, so two writers queue instead of failing with "database is locked" on lock upgrade).
 */
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { LoomError } from '../util/errors.js';
import { makeDirectory } from '../util/output-dir.js';
import { JOURNAL_TABLE, parseEntry, type JournalDatabase, type JournalEntryOf, type JournalStore } from './journal-store.js';

export interface SqliteOptions {
  /** Milliseconds a writer waits for the lock (default 30,000). */
  readonly busyTimeoutMs?: number;
}

/** Loaded on first use, so that studies in memory or PostgreSQL never need the native module. */
async function sqliteModule(): Promise<typeof Database> {
  try {
    return (await import('better-sqlite3')).default;
  } catch (error) {
    throw new LoomError(`the SQLite study store needs better-sqlite3, which did not load (${(error as Error).message}); run npm rebuild better-sqlite3, or use a postgresql:// store`, { cause: error });
  }
}

export async function openSqliteJournals(path: string, options: SqliteOptions = {}): Promise<JournalDatabase> {
  const Sqlite = await sqliteModule();
  // Its folder is made first: one that cannot be made says so in its own line.
  if (path !== ':memory:') makeDirectory(dirname(path), 'study store directory');
  let db: Database.Database;
  try {
    db = new Sqlite(path, { timeout: options.busyTimeoutMs ?? 30_000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL'); // durable at every WAL checkpoint, atomic always
    db.exec(JOURNAL_TABLE);
  } catch (error) {
    throw new LoomError(`study store ${path} cannot be opened as an SQLite database: ${(error as Error).message}`, { cause: error });
  }
  const last = db.prepare<[string], { seq: number | null }>('SELECT max(seq) AS seq FROM loom_journal WHERE journal = ?');
  const insert = db.prepare<[string, number, string]>('INSERT INTO loom_journal (journal, seq, entry) VALUES (?, ?, ?)');
  const after = db.prepare<[string, number], { seq: number; entry: string }>('SELECT seq, entry FROM loom_journal WHERE journal = ? AND seq > ? ORDER BY seq');
  const list = db.prepare<[], { name: string; entries: number }>('SELECT journal AS name, count(*) AS entries FROM loom_journal GROUP BY journal ORDER BY journal');
  const appendAll = db.transaction((journal: string, texts: readonly string[], ifLastSeq: number | undefined): number | null => {
    const end = last.get(journal)?.seq ?? 0;
    if (ifLastSeq !== undefined && ifLastSeq !== end) return null;
    texts.forEach((text, i) => insert.run(journal, end + 1 + i, text));
    return end + 1;
  });
  const guarded = <R>(what: string, work: () => R): R => {
    try {
      return work();
    } catch (error) {
      if (error instanceof LoomError) throw error;
      throw new LoomError(`study store ${path}: ${what} failed: ${(error as Error).message}`, { cause: error });
    }
  };
  return {
    location: path,
    async list() {
      return guarded('listing journals', () => list.all());
    },
    open<T>(name: string): JournalStore<T> {
      return {
        location: path,
        async append(ops: readonly T[], ifLastSeq?: number): Promise<number | null> {
          const texts = ops.map((op) => JSON.stringify(op));
          return guarded(`appending to "${name}"`, () => appendAll.immediate(name, texts, ifLastSeq));
        },
        async read(afterSeq: number): Promise<JournalEntryOf<T>[]> {
          return guarded(`reading "${name}"`, () => after.all(name, afterSeq)).map((row) => parseEntry<T>(path, name, row.seq, row.entry));
        },
        async close() {},
      };
    },
    async close() {
      db.close();
    },
  };
}
