/**
 * Journals in PostgreSQL (node-postgres), for studies shared by tuners on many machines. The same
 * table as the SQLite store; an append holds a transaction-scoped advisory lock on the journal's
 * name while it reads the last seq and inserts, so concurrent appends queue, and the primary key
 * would refuse a duplicate seq even without it.
 */
import { LoomError } from '../util/errors.js';
import { JOURNAL_TABLE, parseEntry, type JournalDatabase, type JournalEntryOf, type JournalStore } from './journal-store.js';

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgresql://(unparseable URL)';
  }
}

export async function openPostgresJournals(url: string): Promise<JournalDatabase> {
  const location = redactUrl(url);
  const { default: pg } = await import('pg'); // loaded on first use, as the SQLite module is
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => {}); // an idle client's lost connection is reported by the next query instead
  const fail = (what: string, error: unknown): never => {
    throw new LoomError(`study store ${location}: ${what} failed: ${(error as Error).message}`, { cause: error });
  };
  try {
    // Two tuners starting at once may both create the table: the advisory lock orders them.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT pg_advisory_xact_lock(hashtext('loom_journal schema'))");
      await client.query(JOURNAL_TABLE);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    fail('connecting', error);
  }
  return {
    location,
    async list() {
      try {
        const result = await pool.query<{ name: string; entries: string }>(
          'SELECT journal AS name, count(*) AS entries FROM loom_journal GROUP BY journal ORDER BY journal',
        );
        return result.rows.map((row) => ({ name: row.name, entries: Number(row.entries) }));
      } catch (error) {
        return fail('listing journals', error);
      }
    },
    open<T>(name: string): JournalStore<T> {
      return {
        location,
        async append(ops: readonly T[], ifLastSeq?: number): Promise<number | null> {
          const client = await pool.connect().catch((error: unknown) => fail(`appending to "${name}"`, error));
          try {
            await client.query('BEGIN');
            await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [name]);
            const last = await client.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM loom_journal WHERE journal = $1', [name]);
            const end = last.rows[0]?.seq ?? 0;
            if (ifLastSeq !== undefined && ifLastSeq !== end) {
              await client.query('ROLLBACK');
              return null;
            }
            for (let i = 0; i < ops.length; i++) {
              await client.query('INSERT INTO loom_journal (journal, seq, entry) VALUES ($1, $2, $3)', [name, end + 1 + i, JSON.stringify(ops[i])]);
            }
            await client.query('COMMIT');
            return end + 1;
          } catch (error) {
            await client.query('ROLLBACK').catch(() => {});
            return fail(`appending to "${name}"`, error);
          } finally {
            client.release();
          }
        },
        async read(afterSeq: number): Promise<JournalEntryOf<T>[]> {
          try {
            const result = await pool.query<{ seq: number; entry: string }>(
              'SELECT seq, entry FROM loom_journal WHERE journal = $1 AND seq > $2 ORDER BY seq',
              [name, afterSeq],
            );
            return result.rows.map((row) => parseEntry<T>(location, name, row.seq, row.entry));
          } catch (error) {
            return fail(`reading "${name}"`, error);
          }
        },
        async close() {},
      };
    },
    async close() {
      await pool.end();
    },
  };
}
