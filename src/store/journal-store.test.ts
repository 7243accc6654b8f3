/**
 * One suite for every journal store: memory, an SQLite file, and a real PostgreSQL server started
 * for the run (skipped, with the reason, where PostgreSQL is not installed).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryJournal, type JournalDatabase, type JournalStore } from './journal-store.js';
import { openJournals } from './open.js';
import { openSqliteJournals } from './sqlite-journals.js';
import { startPostgres, type PostgresServer } from './test-support/postgres-server.js';

const run = promisify(execFile);
const APPEND_WORKER = fileURLToPath(new URL('./test-support/append-worker.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'loom-store-'));
let postgres: PostgresServer | string = 'not started';

beforeAll(async () => {
  postgres = await startPostgres();
  if (typeof postgres === 'string') console.warn(`PostgreSQL store tests skipped: ${postgres}`);
}, 90_000);

afterAll(() => {
  if (typeof postgres !== 'string') postgres.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Backend {
  name: string;
  skip: () => string | null;
  /** A database holding journals, fresh for each test, and where another process can open it. */
  open: (test: string) => Promise<{ db: JournalDatabase | null; journal: JournalStore<unknown>; where: string | null }>;
}

const backends: Backend[] = [
  {
    name: 'memory',
    skip: () => null,
    open: async () => ({ db: null, journal: new MemoryJournal<unknown>(), where: null }),
  },
  {
    name: 'sqlite',
    skip: () => null,
    open: async (test) => {
      const where = join(dir, `${test}.sqlite`);
      const db = await openSqliteJournals(where);
      return { db, journal: db.open('j'), where };
    },
  },
  {
    name: 'postgres',
    skip: () => (typeof postgres === 'string' ? postgres : null),
    open: async (test) => {
      const db = await openJournals((postgres as PostgresServer).url);
      return { db, journal: db.open(`j-${test}`), where: (postgres as PostgresServer).url };
    },
  },
];

for (const backend of backends) {
  describe(`journal store: ${backend.name}`, () => {
    const maybe = (name: string, body: () => Promise<void>, timeout?: number, only?: string): void => {
      it(name, async (context) => {
        const reason = backend.skip() ?? (only && backend.name === 'memory' ? only : null);
        if (reason) return context.skip(reason);
        await body();
      }, timeout);
    };

    maybe('appends in order and reads from any position', async () => {
      const { db, journal } = await backend.open('order');
      expect(await journal.append([{ a: 1 }, { a: 2 }])).toBe(1);
      expect(await journal.append([{ a: 3 }])).toBe(3);
      expect(await journal.read(0)).toEqual([
        { seq: 1, op: { a: 1 } },
        { seq: 2, op: { a: 2 } },
        { seq: 3, op: { a: 3 } },
      ]);
      expect(await journal.read(2)).toEqual([{ seq: 3, op: { a: 3 } }]);
      expect(await journal.read(3)).toEqual([]);
      await db?.close();
    });

    maybe('appends conditionally: only at the end the caller last saw', async () => {
      const { db, journal } = await backend.open('conditional');
      expect(await journal.append([{ first: true }], 0)).toBe(1);
      expect(await journal.append([{ late: true }], 0)).toBeNull();
      expect(await journal.append([{ second: true }, { third: true }], 1)).toBe(2);
      expect((await journal.read(0)).map((e) => e.op)).toEqual([{ first: true }, { second: true }, { third: true }]);
      await db?.close();
    });

    maybe('keeps journals of one database apart and lists them', async () => {
      const { db: opened, journal } = await backend.open('list');
      const db = opened as JournalDatabase;
      await journal.append([{ x: 1 }]);
      const other = db.open('other-of-list');
      await other.append([{ y: 1 }, { y: 2 }]);
      expect(await other.read(0)).toHaveLength(2);
      const listed = await db.list();
      expect(listed).toContainEqual({ name: 'other-of-list', entries: 2 });
      await db.close();
    }, undefined, 'a memory journal has no database to list');

    maybe('does not write half an append: one unstorable entry and none is kept', async () => {
      const { db, journal } = await backend.open('atomic');
      await journal.append([{ ok: 1 }]);
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      await expect(journal.append([{ ok: 2 }, cyclic])).rejects.toThrow();
      expect(await journal.read(0)).toEqual([{ seq: 1, op: { ok: 1 } }]);
      await db?.close();
    });

    maybe('four processes appending at once lose nothing, duplicate nothing and never hit a lock error', async () => {
      const { db, where: opened } = await backend.open('processes');
      await db?.close();
      const where = opened as string;
      const name = backend.name === 'sqlite' ? 'j' : 'j-processes';
      const runs = await Promise.all(
        ['w0', 'w1', 'w2', 'w3'].map((worker) => run(process.execPath, ['--import', 'tsx', APPEND_WORKER, where, name, worker, '60'], { timeout: 120_000, encoding: 'utf8' })),
      );
      for (const { stdout } of runs) expect(JSON.parse(stdout).appended).toBe(60);
      const reopened = await openJournals(where);
      const entries = await reopened.open<{ worker: string; i: number }>(name).read(0);
      await reopened.close();
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 240 }, (_, i) => i + 1));
      for (const worker of ['w0', 'w1', 'w2', 'w3']) {
        expect(entries.filter((e) => e.op.worker === worker).map((e) => e.op.i)).toEqual(Array.from({ length: 60 }, (_, i) => i));
      }
    }, 180_000, 'a memory journal belongs to one process');
  });
}

describe('journal store errors', () => {
  it('refuses a file that is not an SQLite database, naming it', async () => {
    const path = join(dir, 'not-a-db.sqlite');
    writeFileSync(path, 'this is not a database, just text that is long enough to have a header page......');
    await expect(openSqliteJournals(path)).rejects.toThrow(`study store ${path} cannot be opened as an SQLite database: file is not a database`);
  });

  it('names the journal and seq of a damaged entry', async () => {
    const path = join(dir, 'damaged.sqlite');
    const db = await openSqliteJournals(path);
    await db.open('s').append([{ fine: true }]);
    await db.close();
    const { default: Database } = await import('better-sqlite3');
    const raw = new Database(path);
    raw.prepare("UPDATE loom_journal SET entry = '{broken' WHERE seq = 1").run();
    raw.close();
    const again = await openSqliteJournals(path);
    await expect(again.open('s').read(0)).rejects.toThrow(`${path}: journal "s" entry 1 is not valid JSON`);
    await again.close();
  });

  it('reports an unreachable PostgreSQL server with the URL, password hidden', async () => {
    await expect(openJournals('postgresql://loom:secret@127.0.0.1:1/none')).rejects.toThrow(
      /^study store postgresql:\/\/loom:\*\*\*@127\.0\.0\.1:1\/none: connecting failed: /,
    );
  });
});
