import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withConfigValue } from '../../config/load.js';
import { pidAlive } from '../study/worker-process.js';
import { tinyTrainingConfig } from './test-support/tiny-config.js';
import type { TrialJob } from './trial-job.js';
import { TrialWorker } from './trial-worker.js';

const root = mkdtempSync(join(tmpdir(), 'loom-trial-worker-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const job = (name: string, epochs: number): TrialJob => ({
  trial: 7,
  config: withConfigValue(
    { ...tinyTrainingConfig, data: { name: 'fashion-mnist-subset', holdOut: 400 }, train: { epochs, batchSize: 64 }, output: { dir: join(root, name) } },
    'train.untilEpoch',
    epochs,
  ),
  metric: 'accuracy',
  resumeFrom: null,
});

async function reportsOf(worker: TrialWorker, j: TrialJob): Promise<{ reports: [number, number][]; value: number }> {
  const reports: [number, number][] = [];
  const { value } = await worker.run(j, (epoch, value) => reports.push([epoch, value]));
  return { reports, value };
}

/** Pids of this process's children (every thread's), from /proc. */
function childPids(): number[] {
  const tasks = `/proc/${process.pid}/task`;
  return readdirSync(tasks).flatMap((tid) => readFileSync(join(tasks, tid, 'children'), 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
}

const onLinux = process.platform === 'linux';

describe('TrialWorker', () => {
  it('runs a trial in a child process exactly as in a thread: the same reports and value', async () => {
    const thread = new TrialWorker('threads');
    const child = new TrialWorker('processes');
    try {
      const inThread = await reportsOf(thread, job('thread', 2));
      const inProcess = await reportsOf(child, job('process', 2));
      expect(inThread.reports.map(([e]) => e)).toEqual([1, 2]);
      expect(inProcess).toEqual(inThread);
    } finally {
      await Promise.all([thread.close(), child.close()]);
    }
  }, 60_000);

  it.runIf(onLinux)('fails the trial of a killed process, naming the signal, and runs the next in a new one; close ends it', async () => {
    const worker = new TrialWorker('processes');
    const before = new Set(childPids());
    try {
      let killed: number | null = null;
      const run = worker.run(job('killed', 6), () => {
        // At the first report the process is busy training: kill it.
        killed ??= childPids().find((pid) => !before.has(pid)) ?? null;
        if (killed !== null) process.kill(killed, 'SIGKILL');
      });
      await expect(run).rejects.toThrow("the trial's process was killed by SIGKILL");
      expect(killed).not.toBeNull();
      const next = await reportsOf(worker, job('after', 1));
      expect(next.reports.map(([e]) => e)).toEqual([1]);
      const started = childPids().filter((pid) => !before.has(pid));
      expect(started).toHaveLength(1);
      await worker.close();
      expect(pidAlive(started[0])).toBe(false);
      // Closed is closed: nothing starts a new process behind the caller's back.
      await expect(worker.run(job('late', 1), () => {})).rejects.toThrow('trial process is closed; trial 7 cannot start');
      expect(childPids().filter((pid) => !before.has(pid))).toEqual([]);
    } finally {
      await worker.close();
    }
  }, 60_000);
});
