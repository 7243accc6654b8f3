/**
 * Two `loom tune run` processes sharing one study in a real PostgreSQL server (started for the
 * test; skipped, with the reason printed, where PostgreSQL cannot run here): exactly the requested
 * trials, each once, no point proposed twice.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openJournals } from '../src/store/index.js';
import { startPostgres } from '../src/store/test-support/postgres-server.js';
import { braninValue } from '../src/tune/objectives/index.js';
import { readStudy, startLoom } from './support/tuner.js';

const postgres = await startPostgres();
const noPostgres = typeof postgres === 'string' ? postgres : null;
if (noPostgres !== null) console.warn(`loom tune on PostgreSQL skipped: ${noPostgres}`);
afterAll(() => {
  if (typeof postgres !== 'string') postgres.stop();
});

describe('loom tune on PostgreSQL', () => {
  it.skipIf(noPostgres !== null)('lets two tuner processes share one study: 60 TPE trials of Branin, each once, no point twice', async () => {
    if (typeof postgres === 'string') return;
    const dir = mkdtempSync(join(tmpdir(), 'loom-cli-tune-pg-'));
    const file = join(dir, 'pg.yaml');
    writeFileSync(file, `name: branin-pg\nstore: ${postgres.url}\nobjective: { type: function, name: branin, delayMs: 100 }\nsampler: { type: tpe, seed: 7 }\ntrials: 60\n`);
    // 100 ms a trial: long enough that the second process, however late it starts, joins the first.
    const [a, b] = await Promise.all([startLoom('tune', 'run', file, '--plain').exited, startLoom('tune', 'run', file, '--plain').exited]);
    expect([a.status, b.status, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
    const ran = (out: string): number => out.split('\n').filter((l) => l.startsWith('trial ')).length;
    expect(ran(a.stdout) + ran(b.stdout)).toBe(60);
    expect(ran(a.stdout)).toBeGreaterThan(0);
    expect(ran(b.stdout)).toBeGreaterThan(0);

    const db = await openJournals(postgres.url);
    try {
      const trials = (await readStudy(db, 'branin-pg')).state.trials();
      expect(trials).toHaveLength(60);
      expect(trials.map((t) => t.number)).toEqual(Array.from({ length: 60 }, (_, i) => i));
      expect(trials.filter((t) => t.state !== 'complete')).toEqual([]);
      expect(new Set(trials.map((t) => `${t.params.x1},${t.params.x2}`)).size).toBe(60);
      for (const t of trials) expect(t.value).toBe(braninValue(t.params.x1 as number, t.params.x2 as number));
      // Both processes created trials (attrs.worker is host:pid).
      expect(new Set(trials.map((t) => t.attrs.worker)).size).toBe(2);
    } finally {
      await db.close();
    }
  });
});
