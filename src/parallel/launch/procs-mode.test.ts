/**
 * `procs` mode end to end: real `loom worker` processes (the compiled CLI, as `npm test` builds it)
 * joined to a coordinator over loopback TCP. DDP there must equal one worker; a worker killed with
 * SIGKILL mid-training must be detected, and the job must fail naming the rank, or restart from the
 * last checkpoint with the survivors and finish.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/load.js';
import { loadCheckpoint } from '../../train/checkpoint.js';
import { MetricsStream, type StartRecord } from '../../train/metrics.js';
import { prepareRun } from '../../train/run.js';
import { relativeDifference, smallDdpConfig } from '../test-support/ddp-config.js';
import { trainOnCluster } from './index.js';

const built = existsSync(fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url)));
const quiet = (): void => {};
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loom-procs-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!built)('procs mode (needs the compiled CLI: npm run build)', () => {
  it('2, 3 and 4 worker processes end with the parameters of one worker', async () => {
    const steps = 8;
    const single = await prepareRun(smallDdpConfig(join(root, 'single'), { steps }));
    await single.trainer.run();
    const reference = Float32Array.from(single.model.params);
    single.model.dispose();
    for (const workers of [2, 3, 4]) {
      const dir = join(root, `procs-${workers}`);
      const results = await trainOnCluster({ config: smallDdpConfig(dir, { workers, mode: 'procs', steps }), metrics: new MetricsStream(), log: quiet });
      expect(results.map((r) => r.timing.rank)).toEqual([...Array(workers).keys()]);
      expect(relativeDifference(loadCheckpoint(join(dir, 'checkpoint.ckpt')).params, reference)).toBeLessThan(1e-5);
    }
  });

  const longRun = (dir: string, onFailure: 'fail' | 'restart') =>
    validateConfig({
      seed: 2,
      backend: 'cpu',
      data: { name: 'blobs', classes: 4, dims: 32, trainSize: 2000, testSize: 200, seed: 1 },
      model: { type: 'mlp', hidden: [64] },
      optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 },
      train: { steps: 400, batchSize: 60, logEvery: 10, evalEvery: 1000 },
      output: { dir, checkpointEvery: 20 },
      distributed: { workers: 3, mode: 'procs', onFailure, failureTimeoutSec: 5, heartbeatSec: 0.2 },
    });

  /** Starts the job, SIGKILLs worker process 1 (whatever rank it joined as) after the checkpoint at step 60, and says when. */
  function killAfterCheckpoint(metrics: MetricsStream): { killedAt: () => number; killedPid: () => number; onWorkers: (w: { pids: readonly number[]; kill(i: number, s: NodeJS.Signals): boolean }) => void } {
    let killedAt = 0;
    let killedPid = 0;
    return {
      killedAt: () => killedAt,
      killedPid: () => killedPid,
      onWorkers: (workers) => {
        killedPid = workers.pids[1];
        metrics.on('checkpoint', (r) => {
          if (r.step === 60 && killedAt === 0) {
            killedAt = Date.now();
            workers.kill(1, 'SIGKILL');
          }
        });
      },
    };
  }

  it('with --on-failure fail, kill -9 of a worker fails the job within 10 s, naming the rank', async () => {
    const metrics = new MetricsStream();
    const kill = killAfterCheckpoint(metrics);
    const started = trainOnCluster({ config: longRun(join(root, 'fail'), 'fail'), metrics, log: quiet, onWorkers: kill.onWorkers });
    const error = await started.then(
      () => null,
      (e: Error) => e,
    );
    // Ranks go in join order, so the killed process may hold any rank: the message names its pid.
    expect(error?.message).toMatch(new RegExp(`^rank \\d \\(host 127\\.0\\.0\\.1, pid ${kill.killedPid()}\\) failed: control connection closed without a goodbye$`));
    expect(kill.killedAt()).toBeGreaterThan(0);
    expect(Date.now() - kill.killedAt()).toBeLessThan(10_000);
  });

  it('a stop request (Ctrl-C on the coordinator) ends every rank at the same step, with a checkpoint', async () => {
    const dir = join(root, 'stop');
    const metrics = new MetricsStream();
    const stop = new AbortController();
    metrics.on('checkpoint', (r) => {
      if (r.step === 40) stop.abort();
    });
    const results = await trainOnCluster({ config: longRun(dir, 'fail'), metrics, log: quiet, stopSignal: stop.signal });
    expect(results.every((r) => r.stopped)).toBe(true);
    const steps = results[0].steps;
    expect(steps).toBeGreaterThan(40);
    expect(steps).toBeLessThan(400);
    expect(results.map((r) => r.steps)).toEqual([steps, steps, steps]);
    expect(loadCheckpoint(join(dir, 'checkpoint.ckpt')).step).toBe(steps);
  });

  it('with --on-failure restart, the survivors resume from the last checkpoint and finish', async () => {
    const dir = join(root, 'restart');
    const metrics = new MetricsStream();
    const starts: StartRecord[] = [];
    metrics.on('start', (r) => starts.push(r));
    const kill = killAfterCheckpoint(metrics);
    const results = await trainOnCluster({ config: longRun(dir, 'restart'), metrics, log: quiet, onWorkers: kill.onWorkers });
    expect(kill.killedAt()).toBeGreaterThan(0);
    expect(starts.map((s) => s.workers)).toEqual([3, 2]);
    expect(starts[1].step).toBeGreaterThanOrEqual(60); // the checkpoint it resumed from
    expect(starts[1].step % 20).toBe(0);
    expect(results.map((r) => r.steps)).toEqual([400, 400]);
    expect(loadCheckpoint(join(dir, 'checkpoint.ckpt')).step).toBe(400);
  });
});
