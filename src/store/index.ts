export { MemoryJournal, parseEntry, type JournalDatabase, type JournalEntryOf, type JournalStore } from './journal-store.js';
export { openSqliteJournals, type SqliteOptions } from './sqlite-journals.js';
export { openPostgresJournals, redactUrl } from './postgres-journals.js';
export { openJournals } from './open.js';
