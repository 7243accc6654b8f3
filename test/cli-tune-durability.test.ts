/**
 * A `loom tune run` killed with SIGKILL in the middle of a trial, and a tuner started again on
 * the same SQLite study: every trial ends accounted for (none left running or waiting), the lost
 * trial is failed naming its worker and run again with the same parameters, and an ASHA study goes
 * on from its history as if nothing had happened.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openJournals, type JournalDatabase } from '../src/store/index.js';
import { braninValue } from '../src/tune/objectives/index.js';
import { AshaScheduler } from '../src/tune/schedulers/asha.js';
import { promotedPast, rungResults } from '../src/tune/schedulers/rungs.js';
import { configurations } from '../src/tune/schedulers/successive-halving.js';
import type { JournalEntry } from '../src/tune/study/journal.js';
import { StudyState } from '../src/tune/study/replay.js';
import { FINISHED_STATES, type FrozenTrial } from '../src/tune/study/trial.js';
import { pidAlive } from '../src/tune/study/worker-process.js';
import { tinyTrainingConfig } from '../src/tune/training/test-support/tiny-config.js';
import { readStudy, startLoom, waitForStudy, type Tuner } from './support/tuner.js';

const dir = mkdtempSync(join(tmpdir(), 'loom-cli-tune-kill-'));
const opened: JournalDatabase[] = [];
afterAll(async () => {
  for (const db of opened) await db.close();
});

async function study(name: string, body: string): Promise<{ file: string; db: JournalDatabase }> {
  const store = join(dir, `${name}.sqlite`);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nstore: ${store}\n${body}`);
  const db = await openJournals(store);
  opened.push(db);
  return { file, db };
}

/**
 * Waits for running trials (one that `pick` accepts among them) that began less than `fresh` ms
 * ago — so that their runs still have the rest of their delay to go — and kills the tuner with
 * SIGKILL; returns the trials it held.
 */
async function killMidTrial(db: JournalDatabase, name: string, tuner: Tuner, fresh: number, pick: (t: FrozenTrial, s: StudyState) => boolean): Promise<FrozenTrial[]> {
  // heartbeatAt is about when this run of the trial began: the objective sends one heartbeat as it
  // starts waiting, the next comes after 15 s, its report at its end.
  await waitForStudy(db, name, tuner, (s) => (s.trials(['running']).some((t) => pick(t, s) && Date.now() - t.heartbeatAt < fresh) ? true : null));
  tuner.child.kill('SIGKILL');
  const exit = await tuner.exited;
  expect(exit.signal).toBe('SIGKILL');
  const held = (await readStudy(db, name)).state.trials(['running']);
  expect(held.length).toBeGreaterThan(0);
  return [...held];
}

/** The error the restarted tuner gives a trial of the killed one. */
const lostError = (pid: number): RegExp => new RegExp(`^worker ${hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${pid} is gone: process ${pid} no longer exists on this machine`);

describe('loom tune run, killed with SIGKILL and started again', () => {
  it('leaves every trial accounted for: the lost one failed naming its worker, its retry complete with the same parameters', async () => {
    const { file, db } = await study('lost', 'objective: { type: function, name: branin, delayMs: 500 }\nsampler: { type: random, seed: 4 }\ntrials: 10\n');
    const first = startLoom('tune', 'run', file, '--plain');
    const [lost] = await killMidTrial(db, 'lost', first, 150, (_t, s) => s.trials(['complete']).length >= 2);

    const began = Date.now();
    const again = await startLoom('tune', 'run', file, '--plain').exited;
    expect([again.status, again.stderr]).toEqual([0, '']);
    // At once, not after the 60 s heartbeat timeout: the killed process is known to be gone.
    expect(Date.now() - began).toBeLessThan(30_000);

    const trials = (await readStudy(db, 'lost')).state.trials();
    expect(trials.filter((t) => !FINISHED_STATES.includes(t.state))).toEqual([]);
    const killed = trials.find((t) => t.id === lost.id) as FrozenTrial;
    expect(killed.state).toBe('failed');
    expect(killed.attrs.error).toMatch(lostError(first.pid));
    const retries = trials.filter((t) => t.attrs.retryOf !== undefined);
    expect(retries.map((t) => [t.attrs.retryOf, t.state])).toEqual([[lost.number, 'complete']]);
    expect(retries[0].params).toEqual(lost.params);
    expect(retries[0].value).toBe(braninValue(lost.params.x1 as number, lost.params.x2 as number));
    const originals = trials.filter((t) => t.attrs.retryOf === undefined);
    expect(originals).toHaveLength(10);
    expect(originals.filter((t) => t.state === 'complete')).toHaveLength(9);
    for (const t of trials.filter((t) => t.state === 'complete')) expect(t.value).toBe(braninValue(t.params.x1 as number, t.params.x2 as number));
  });

  it('goes on with ASHA from its history: each promotion the rule’s, none twice, the promoted lost trial resumed at its rung', async () => {
    const asha = { minBudget: 1, maxBudget: 9, eta: 3 };
    const { file, db } = await study(
      'lost-asha',
      'objective: { type: function, name: counting-ones, dimensions: 4, delayMs: 500 }\nsampler: { type: random, seed: 5 }\n' +
        `scheduler: { type: asha, minBudget: ${asha.minBudget}, maxBudget: ${asha.maxBudget}, eta: ${asha.eta} }\nworkers: 2\ntrials: 12\n`,
    );
    const first = startLoom('tune', 'run', file, '--plain');
    // Killed while a promoted trial (target above the bottom rung) runs.
    const held = await killMidTrial(db, 'lost-asha', first, 150, (t) => (t.attrs.budget as number) > asha.minBudget);
    const killedAt = (await readStudy(db, 'lost-asha')).state.lastSeq;

    const again = await startLoom('tune', 'run', file, '--plain').exited;
    expect([again.status, again.stderr]).toEqual([0, '']);
    const { entries, state } = await readStudy(db, 'lost-asha');
    const trials = state.trials();
    expect(trials.filter((t) => t.state === 'running' || t.state === 'waiting')).toEqual([]);
    expect(trials.filter((t) => t.attrs.retryOf === undefined)).toHaveLength(12);

    // Each lost trial: failed naming the killed worker, run again once, same parameters, same target budget, reaching it.
    for (const lost of held) {
      const killed = trials.find((t) => t.id === lost.id) as FrozenTrial;
      expect(killed.state).toBe('failed');
      expect(killed.attrs.error).toMatch(lostError(first.pid));
      const retries = trials.filter((t) => t.attrs.retryOf === lost.number);
      expect(retries).toHaveLength(1);
      expect(retries[0].params).toEqual(lost.params);
      // Queued at the budget the lost run had (the retry may have been promoted further since).
      const created = entries[retries[0].id - 1].op;
      expect(created.op === 'create' ? created.attrs.budget : null).toBe(lost.attrs.budget);
      expect(retries[0].intermediate.has(lost.attrs.budget as number)).toBe(true);
    }
    expect(held.some((t) => (t.attrs.budget as number) > asha.minBudget)).toBe(true);

    // Every promotion, before the kill and after, is the one ASHA takes on the history before it
    // (the search's 12 trials are its maxTrials, as the tune file's trials are).
    const scheduler = new AshaScheduler({ ...asha, maxTrials: 12 });
    const resumes = promotions(entries);
    expect(resumes.filter((r) => r.seq > killedAt).length).toBeGreaterThan(0);
    for (const { seq, trialId, budget } of resumes) {
      const before = new StudyState();
      before.apply(entries.slice(0, seq - 1));
      expect(scheduler.nextTrial(before)).toEqual({ kind: 'resume', trialId, budget });
    }
    // No configuration (a trial and its retries) promoted twice to a rung.
    const rootOf = (id: number): number => {
      let t = state.trial(id) as FrozenTrial;
      while (typeof t.attrs.retryOf === 'number') t = trials[t.attrs.retryOf];
      return t.number;
    };
    const promotedTo = new Map<number, number[]>();
    for (const { trialId, budget } of resumes) promotedTo.set(rootOf(trialId), [...(promotedTo.get(rootOf(trialId)) ?? []), budget]);
    for (const budgets of promotedTo.values()) expect(new Set(budgets).size).toBe(budgets.length);
    // Nothing left to promote: the top 1/eta of every rung (the killed tuner's paused trials among them) went on.
    expect(scheduler.promotable(state)).toBeNull();
    const merged = configurations(trials);
    for (const budget of scheduler.rungs.slice(0, -1)) {
      const ranked = rungResults(state, merged, budget);
      for (const t of ranked.slice(0, Math.floor(ranked.length / asha.eta))) expect(promotedPast(t, budget)).toBe(true);
    }
  });
});

describe('loom tune run with trial processes, killed with SIGKILL and started again', () => {
  it.runIf(process.platform === 'linux')('leaves no trial process training for the killed tuner, and the restart accounts for every trial', async () => {
    // A wide MLP whose epochs take seconds: a trial process that only noticed its tuner's end
    // when it next sends a report (which then fails) would still be training after the 3 s the
    // test waits for them to leave.
    const body = (hidden: number): string =>
      `objective: { type: training, config: ${JSON.stringify({ ...tinyTrainingConfig, model: { type: 'mlp', hidden: [hidden, hidden] }, train: { epochs: 2, batchSize: 64 } })}, validation: 400, checkpoints: ${JSON.stringify(join(dir, 'ck-processes'))} }\n` +
      'space: { optimizer.lr: { type: float, low: 0.01, high: 0.2, log: true } }\nsampler: { type: random, seed: 6 }\nworkers: 2\nworkerMode: processes\ntrials: 4\n';
    const { file, db } = await study('lost-processes', body(4096));
    const first = startLoom('tune', 'run', file, '--plain');
    // Both trial processes started and training their first epoch.
    await waitForStudy(db, 'lost-processes', first, (s) => (s.trials(['running']).length === 2 && childrenOf(first.pid).length === 2 ? true : null), 120_000);
    await new Promise((r) => setTimeout(r, 500));
    const trialProcesses = childrenOf(first.pid);
    expect(trialProcesses).toHaveLength(2);
    // Its 'exit', not `exited`: the output pipes it shares with the trial processes close only when they have gone.
    const killed = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await killed;
    // Their channel to the tuner closed, they leave (a pid reaped by no one is a zombie: gone too).
    const until = Date.now() + 3_000;
    while (trialProcesses.some(pidAlive) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(trialProcesses.filter(pidAlive)).toEqual([]);

    // The restart, on a narrow MLP (the study's trials hold parameters, not the config), so that
    // its four trials finish soon.
    const again = await startLoom('tune', 'run', (await study('lost-processes', body(16))).file, '--plain').exited;
    expect([again.status, again.stderr]).toEqual([0, '']);
    const trials = (await readStudy(db, 'lost-processes')).state.trials();
    expect(trials.filter((t) => !FINISHED_STATES.includes(t.state))).toEqual([]);
    expect(trials.filter((t) => t.attrs.retryOf === undefined)).toHaveLength(4);
    const lost = trials.filter((t) => t.state === 'failed');
    expect(lost.length).toBeGreaterThan(0);
    for (const t of lost) expect(t.attrs.error).toMatch(lostError(first.pid));
    expect(trials.filter((t) => t.state === 'complete')).toHaveLength(4);
  }, 240_000);
});

/** Pids of the children of process `pid` (every thread's), from /proc. */
function childrenOf(pid: number): number[] {
  const tasks = `/proc/${pid}/task`;
  return readdirSync(tasks).flatMap((tid) => readFileSync(join(tasks, tid, 'children'), 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
}

/** The resumes in a journal: a paused trial set running (the entry `seq`), with the budget it was promoted to. */
function promotions(entries: readonly JournalEntry[]): { seq: number; trialId: number; budget: number }[] {
  const replay = new StudyState();
  const found: { seq: number; trialId: number; budget: number }[] = [];
  entries.forEach((entry, i) => {
    const { op } = entry;
    if (op.op === 'state' && op.state === 'running' && replay.trial(op.trial)?.state === 'paused') {
      const budget = entries
        .slice(i + 1, i + 4)
        .map((e) => (e.op.op === 'attrs' && e.op.trial === op.trial ? e.op.attrs.budget : undefined))
        .find((b) => typeof b === 'number');
      found.push({ seq: entry.seq, trialId: op.trial, budget: budget as number });
    }
    replay.apply([entry]);
  });
  return found;
}
