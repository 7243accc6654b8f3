/** A study store from what a user types: a PostgreSQL URL, or a path to an SQLite file. */
import { openPostgresJournals } from './postgres-journals.js';
import { openSqliteJournals } from './sqlite-journals.js';
import type { JournalDatabase } from './journal-store.js';

export async function openJournals(where: string): Promise<JournalDatabase> {
  if (/^postgres(ql)?:\/\//.test(where)) return openPostgresJournals(where);
  return openSqliteJournals(where);
}
