/**
 * One of several processes appending to one journal at once, as tuners do: each entry is a
 * conditional append at the end it last read, retried after re-reading when another process won.
 * Usage: node --import tsx append-worker.ts STORE JOURNAL WORKER COUNT
 * Prints one JSON line: { appended, retries }.
 */
import { openJournals } from '../open.js';

async function main(): Promise<void> {
  const [where, name, worker, count] = process.argv.slice(2);
  const db = await openJournals(where);
  const journal = db.open<{ worker: string; i: number }>(name);
  let last = (await journal.read(0)).length;
  let retries = 0;
  for (let i = 0; i < Number(count); i++) {
    for (;;) {
      const seq = await journal.append([{ worker, i }], last);
      if (seq !== null) {
        last = seq;
        break;
      }
      retries++;
      last += (await journal.read(last)).length;
    }
  }
  await db.close();
  process.stdout.write(`${JSON.stringify({ appended: Number(count), retries })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
