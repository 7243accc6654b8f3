/** `loom tune run` processes started in the background, and a study read straight from its store, for the CLI tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import type { JournalDatabase } from '../../src/store/index.js';
import type { JournalEntry, JournalOp } from '../../src/tune/study/journal.js';
import { StudyState } from '../../src/tune/study/replay.js';
import { LOOM, ROOT } from './cli.js';

export interface TunerExit {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Tuner {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Settles when the process has exited and been waited for. */
  readonly exited: Promise<TunerExit>;
}

export function startLoom(...args: string[]): Tuner {
  const child = spawn(process.execPath, [LOOM, ...args], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<TunerExit>((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
  return { child, pid: child.pid as number, exited };
}

/** The study's journal and the state it replays to (empty while no tuner has created the study). */
export async function readStudy(db: JournalDatabase, name: string): Promise<{ entries: JournalEntry[]; state: StudyState }> {
  const entries = await db.open<JournalOp>(name).read(0);
  const state = new StudyState();
  state.apply(entries);
  return { entries, state };
}

/** Polls the study every 25 ms until `found` returns something; fails if `tuner` exits first or after `timeoutMs`. */
export async function waitForStudy<T>(db: JournalDatabase, name: string, tuner: Tuner, found: (state: StudyState) => T | null, timeoutMs = 30_000): Promise<T> {
  const seen: { exit: TunerExit | null } = { exit: null };
  void tuner.exited.then((e) => (seen.exit = e));
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { state } = await readStudy(db, name);
    const hit = found(state);
    if (hit !== null) return hit;
    if (seen.exit !== null) throw new Error(`the tuner exited (${JSON.stringify(seen.exit)}) before the study reached the awaited state`);
    if (Date.now() > until) throw new Error(`the study did not reach the awaited state within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
