/**
 * Worker processes (the `procs` mode's code path): three real processes join a coordinator
 * through launchLocalWorkers, run all-reduces over their TCP mesh, and are killed (-9) or stopped
 * mid-job to check failure detection, 'fail', and elastic 'restart' from the last checkpoint.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LoomError } from '../util/errors.js';
import type { Coordinator } from './coordinator.js';
import type { FailureRecord } from './job.js';
import { launchLocalWorkers, type LocalWorkers } from './local-workers.js';
import { createTokenFile } from './token-file.js';
import { rejection, startCoordinator, within } from './test-support/harness.js';
import type { LoopResult, SumResult, TestPayload } from './test-support/test-jobs.js';

const WORKER_MAIN = fileURLToPath(new URL('./test-support/worker-main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'loom-procs-'));
const { path: tokenFile, token } = createTokenFile(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ProcessJob {
  coordinator: Coordinator;
  workers: LocalWorkers;
  /** Worker pids in join order (= rank order of generation 0). */
  joinedPids: number[];
  lines: string[];
}

async function withProcessJob(
  options: { payload: TestPayload; onFailure?: 'fail' | 'restart'; checkpointPath?: string },
  body: (job: ProcessJob) => Promise<void>,
): Promise<void> {
  const { coordinator, lines } = await startCoordinator({ token, workers: 3, heartbeatTimeoutMs: 1_500, joinTimeoutMs: 20_000, ...options });
  const joinedPids: number[] = [];
  coordinator.on('joined', (worker) => joinedPids.push(worker.pid));
  const workers = launchLocalWorkers({
    count: 3,
    command: process.execPath,
    args: ['--import', 'tsx', WORKER_MAIN, '--join', coordinator.address, '--token-file', tokenFile, '--heartbeat-ms', '150'],
    log: (line) => lines.push(line),
  });
  try {
    await body({ coordinator, workers, joinedPids, lines });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- log ---\n${lines.join('\n')}`, { cause: error });
  } finally {
    await workers.stop(1_000);
    await coordinator.close();
  }
}

/** Resolves once rank 0 has reported at least `iteration` (in any generation). */
function reachedIteration(coordinator: Coordinator, iteration: number): Promise<void> {
  return new Promise((resolve) => {
    const onReport = (_rank: number, record: unknown): void => {
      if ((record as { iteration: number }).iteration >= iteration) {
        coordinator.off('report', onReport);
        resolve();
      }
    };
    coordinator.on('report', onReport);
  });
}

describe('worker processes', () => {
  it('three processes join, all-reduce over their mesh with exact sums, and exit cleanly', async () => {
    await withProcessJob({ payload: { kind: 'sum', length: 100_003 } }, async ({ coordinator, workers, joinedPids }) => {
      const { results, restarts } = await within(coordinator.run(), 30_000, 'sum job');
      expect(results as SumResult[]).toEqual([0, 1, 2].map((rank) => ({ rank, size: 3, exact: true })));
      expect(restarts).toBe(0);
      expect([...joinedPids].sort()).toEqual([...workers.pids].sort());
      const exits = await within(workers.waitAll(), 10_000, 'worker exits');
      expect(exits.map((exit) => exit.code)).toEqual([0, 0, 0]);
    });
  });

  it("kill -9 of one worker mid-job is detected at once; 'fail' rejects naming the rank and pid", async () => {
    const payload: TestPayload = { kind: 'loop', iterations: 100_000, checkpointEvery: 5, sleepMs: 20 };
    await withProcessJob({ payload }, async ({ coordinator, workers, joinedPids }) => {
      const outcome = rejection(coordinator.run(), 60_000);
      await within(reachedIteration(coordinator, 8), 30_000, 'iteration 8');
      const victim = joinedPids[2];
      const killedAt = Date.now();
      workers.kill(workers.pids.indexOf(victim), 'SIGKILL');
      const error = await outcome;
      expect(Date.now() - killedAt).toBeLessThan(10_000);
      expect(error).toBeInstanceOf(LoomError);
      expect(error.message).toBe(`rank 2 (host 127.0.0.1, pid ${victim}) failed: control connection closed without a goodbye`);
      const exits = await within(workers.waitAll(), 10_000, 'survivors exit');
      expect(exits[workers.pids.indexOf(victim)].signal).toBe('SIGKILL');
      expect(exits.filter((exit) => exit.code === 1)).toHaveLength(2); // survivors were stopped
      expect(workers.stderr(workers.pids.indexOf(joinedPids[0]))).toMatch(/stopped the job: rank 2 .* failed/);
    });
  });

  it("kill -9 with 'restart': the survivors resume from the last checkpoint and finish with size 2", async () => {
    const checkpointPath = join(dir, 'restart', 'checkpoint.json');
    const iterations = 60;
    const payload: TestPayload = { kind: 'loop', iterations, checkpointEvery: 5, sleepMs: 20 };
    await withProcessJob({ payload, onFailure: 'restart', checkpointPath }, async ({ coordinator, workers, joinedPids }) => {
      let lastStep = 0;
      let stepAtFailure = -1;
      let failure: FailureRecord | null = null;
      let detectedAt = 0;
      coordinator.on('checkpoint', (step) => (lastStep = step));
      coordinator.on('failure', (record) => {
        failure ??= record;
        detectedAt = Date.now();
        stepAtFailure = lastStep;
      });
      const outcome = coordinator.run();
      await within(reachedIteration(coordinator, 12), 30_000, 'iteration 12');
      const victim = joinedPids[1];
      const killedAt = Date.now();
      workers.kill(workers.pids.indexOf(victim), 'SIGKILL');
      const { results, restarts, failures } = await within(outcome, 30_000, 'restarted job');
      expect(detectedAt - killedAt).toBeLessThan(10_000);
      expect(restarts).toBe(1);
      expect(failures).toHaveLength(1);
      expect(failure).toMatchObject({ generation: 0, rank: 1, pid: victim, cause: 'control connection closed without a goodbye' });
      expect(stepAtFailure).toBeGreaterThanOrEqual(10);
      expect(results as LoopResult[]).toEqual([0, 1].map((rank) => ({ generation: 1, rank, size: 2, startedAt: stepAtFailure, reached: iterations })));
      expect(JSON.parse(readFileSync(checkpointPath, 'utf8'))).toEqual({ iteration: iterations });
      const exits = await within(workers.waitAll(), 10_000, 'worker exits');
      expect(exits.filter((exit) => exit.code === 0)).toHaveLength(2);
    });
  });

  it('a stopped (SIGSTOP) worker is detected by heartbeat timeout', async () => {
    const payload: TestPayload = { kind: 'loop', iterations: 100_000, checkpointEvery: 5, sleepMs: 20 };
    await withProcessJob({ payload }, async ({ coordinator, workers, joinedPids }) => {
      const outcome = rejection(coordinator.run(), 60_000);
      await within(reachedIteration(coordinator, 5), 30_000, 'iteration 5');
      const victim = joinedPids[1];
      const stoppedAt = Date.now();
      workers.kill(workers.pids.indexOf(victim), 'SIGSTOP');
      try {
        const error = await outcome;
        const elapsed = Date.now() - stoppedAt;
        expect(elapsed).toBeGreaterThanOrEqual(1_400);
        expect(elapsed).toBeLessThan(10_000);
        expect(error.message).toMatch(new RegExp(`^rank 1 \\(host 127\\.0\\.0\\.1, pid ${victim}\\) failed: no heartbeat for \\d+ ms \\(timeout 1500 ms\\)$`));
      } finally {
        workers.kill(workers.pids.indexOf(victim), 'SIGKILL');
      }
    });
  });

  it("a stopped worker with 'restart': the survivors leave their hung collective and finish without it", async () => {
    const iterations = 40;
    const payload: TestPayload = { kind: 'loop', iterations, checkpointEvery: 5, sleepMs: 20 };
    await withProcessJob({ payload, onFailure: 'restart' }, async ({ coordinator, workers, joinedPids }) => {
      const outcome = coordinator.run();
      await within(reachedIteration(coordinator, 8), 30_000, 'iteration 8');
      const victim = joinedPids[2];
      workers.kill(workers.pids.indexOf(victim), 'SIGSTOP');
      try {
        const { results, restarts, failures } = await within(outcome, 30_000, 'restarted job');
        expect(restarts).toBe(1);
        expect(failures.map((f) => [f.rank, f.pid])).toEqual([[2, victim]]);
        expect(failures[0].cause).toMatch(/^no heartbeat for \d+ ms \(timeout 1500 ms\)$/);
        expect((results as LoopResult[]).map((r) => [r.generation, r.size, r.reached])).toEqual([[1, 2, iterations], [1, 2, iterations]]);
        expect((results as LoopResult[])[0].startedAt).toBeGreaterThanOrEqual(5);
      } finally {
        workers.kill(workers.pids.indexOf(victim), 'SIGKILL');
      }
    });
  });
});
