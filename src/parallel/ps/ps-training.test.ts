/**
 * The parameter server end to end: BSP over real `loom worker` processes equals one worker; a
 * checkpoint written with 4 shards resumes exactly with 1 (Adam's state and step count travel with
 * it); SSP and ASP train over threads and report the staleness of the lead's pushes; bad strategy
 * options are refused before any worker starts, naming the key and value.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/load.js';
import { loadCheckpoint } from '../../train/checkpoint.js';
import { MetricsStream, type StepRecord } from '../../train/metrics.js';
import { runDataParallel, trainOnCluster } from '../launch/index.js';
import { resolveStrategy } from '../strategies.js';
import { checkpointParams, relativeDifference, singleWorkerParams, smallDdpConfig, strategyConfig } from '../test-support/ddp-config.js';

const built = existsSync(fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url)));
let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loom-ps-train-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function psConfig(dir: string, options: { workers: number; mode: string; steps: number; strategy: Record<string, unknown>; optimizer?: Record<string, unknown>; extra?: Record<string, unknown> }) {
  const { workers, mode, steps } = options;
  return strategyConfig(dir, { workers, mode, steps }, { type: 'ps', ...options.strategy }, { ...(options.optimizer ? { optimizer: options.optimizer } : {}), ...options.extra });
}

const lastParams = checkpointParams;

describe.skipIf(!built)('parameter server in procs mode (needs the compiled CLI: npm run build)', () => {
  it('BSP, 3 worker processes and 2 server processes, equals one worker', async () => {
    const reference = await singleWorkerParams(join(root, 'single'), 8, 24);
    const dir = join(root, 'procs');
    const results = await runDataParallel({ config: psConfig(dir, { workers: 3, mode: 'procs', steps: 8, strategy: { servers: 2 } }), metrics: new MetricsStream() });
    expect(results.map((r) => r.role)).toEqual(['worker', 'worker', 'worker', 'server', 'server']);
    expect(relativeDifference(lastParams(dir), reference)).toBeLessThan(1e-5);
  });
});

describe('parameter server', () => {
  it('resumes a 4-shard checkpoint with 1 shard and ends where the uninterrupted run does (Adam)', async () => {
    const adam = { type: 'adam', lr: 0.01 };
    const whole = join(root, 'whole');
    const middle = join(root, 'middle.ckpt');
    const metrics = new MetricsStream();
    metrics.on('checkpoint', (r) => {
      if (r.step === 4) copyFileSync(join(whole, 'checkpoint.ckpt'), middle);
    });
    await runDataParallel({ config: psConfig(whole, { workers: 2, mode: 'virtual', steps: 10, strategy: { servers: 4 }, optimizer: adam, extra: { output: { dir: whole, checkpointEvery: 4 } } }), metrics });
    expect(loadCheckpoint(middle).optimizer.step).toBe(4);
    const resumed = join(root, 'resumed');
    await runDataParallel({ config: psConfig(resumed, { workers: 2, mode: 'virtual', steps: 10, strategy: { servers: 1 }, optimizer: adam }), metrics: new MetricsStream(), resume: middle });
    expect(relativeDifference(lastParams(resumed), lastParams(whole))).toBeLessThan(1e-5);
    expect(loadCheckpoint(join(resumed, 'checkpoint.ckpt')).optimizer.step).toBe(10);
  });

  for (const strategy of [{ consistency: 'ssp', staleness: 2 }, { consistency: 'asp' }]) {
    it(`${strategy.consistency.toUpperCase()} over threads (3 workers, 2 servers) learns, and reports staleness`, async () => {
      const dir = join(root, strategy.consistency);
      const metrics = new MetricsStream();
      const steps: StepRecord[] = [];
      metrics.on('step', (r) => steps.push(r));
      const results = await runDataParallel({ config: psConfig(dir, { workers: 3, mode: 'threads', steps: 60, strategy: { servers: 2, ...strategy } }), metrics });
      expect(results.slice(0, 3).map((r) => r.steps)).toEqual([60, 60, 60]);
      // Each server applied every worker's every push.
      expect(results.slice(3).map((r) => r.steps)).toEqual([180, 180]);
      expect(steps).toHaveLength(60);
      expect(steps.every((r) => Number.isInteger(r.staleness) && r.staleness! >= 0)).toBe(true);
      expect(results[0]!.evaluation!.accuracy).toBeGreaterThan(0.8);
      expect(loadCheckpoint(join(dir, 'checkpoint.ckpt')).optimizer.step).toBe(180);
    });
  }

  // With compute charged from FLOPs (computeGflops): compute timed on this machine differs run to run, and with it the order of pushes.
  it('ASP and SSP in virtual mode take pushes in simulated-time order: the same run twice gives the same bits', async () => {
    for (const strategy of [{ consistency: 'asp' }, { consistency: 'ssp', staleness: 1 }]) {
      const run = async (dir: string) => {
        await runDataParallel({ config: psConfig(dir, { workers: 3, mode: 'virtual', steps: 20, strategy: { servers: 2, ...strategy }, extra: { distributed: { workers: 3, mode: 'virtual', computeGflops: 1, stragglers: { probability: 0.3 } } } }), metrics: new MetricsStream() });
        return lastParams(dir);
      };
      const first = await run(join(root, `${strategy.consistency}-a`));
      expect(await run(join(root, `${strategy.consistency}-b`))).toEqual(first);
    }
  });

  it('with delay compensation (DC-ASGD-a and -c) under SSP, learns', async () => {
    for (const delayCompensation of [{ lambda: 2 }, { lambda: 0.04, adaptive: false }]) {
      const dir = join(root, `dc-${delayCompensation.lambda}`);
      const results = await runDataParallel({ config: psConfig(dir, { workers: 3, mode: 'virtual', steps: 60, strategy: { servers: 2, consistency: 'ssp', staleness: 2, delayCompensation } }), metrics: new MetricsStream() });
      expect(results.slice(3).map((r) => r.steps)).toEqual([180, 180]);
      expect(results[0]!.evaluation!.accuracy).toBeGreaterThan(0.8);
    }
  });

  it('refuses more servers than a layer-wise optimizer has whole tensors for, before any rank starts', () => {
    const config = (servers: number, optimizer: Record<string, unknown>) => psConfig(join(root, 'layer-wise'), { workers: 2, mode: 'virtual', steps: 2, strategy: { servers }, optimizer });
    // The strategy's check alone (what runs before any worker starts): the MLP 12-16-16-4 has 6 tensors.
    expect(() => resolveStrategy(config(7, { type: 'lars', lr: 0.1 }))).toThrow('config key strategy.servers = 7 is invalid: optimizer lars updates whole tensors and the model has 6');
    expect(() => resolveStrategy(config(9, { type: 'lamb', lr: 0.01 }))).toThrow('config key strategy.servers = 9 is invalid: optimizer lamb updates whole tensors and the model has 6');
    expect(resolveStrategy(config(6, { type: 'lamb', lr: 0.01 })).roles).toHaveLength(8);
    // Element-wise optimizers cut anywhere.
    expect(resolveStrategy(config(9, { type: 'adam', lr: 0.01 })).roles).toHaveLength(11);
  });

  it('refuses bad options before any worker starts, naming the key and value', async () => {
    const refused = (strategy: Record<string, unknown>, mode = 'virtual', optimizer?: Record<string, unknown>) =>
      runDataParallel({ config: psConfig(join(root, 'refused'), { workers: 2, mode, steps: 2, strategy, ...(optimizer ? { optimizer } : {}) }), metrics: new MetricsStream() });
    await expect(refused({ consistency: 'ssp', staleness: -1 })).rejects.toThrow('config key strategy.staleness = -1 is invalid: too small: expected number to be >=0');
    await expect(refused({ consistency: 'ssp' })).rejects.toThrow('config key strategy.staleness is missing (consistency ssp needs a staleness bound s (steps a worker may run ahead))');
    await expect(refused({ consistency: 'bsp', staleness: 2 })).rejects.toThrow('config key strategy.staleness = 2 is invalid: staleness applies to consistency ssp only');
    await expect(refused({ server: 2 })).rejects.toThrow('unknown config key strategy.server');
    await expect(refused({ servers: 0 })).rejects.toThrow(/^config key strategy.servers = 0 is invalid/);
    await expect(refused({ consistency: 'asp', backupWorkers: 1 })).rejects.toThrow('config key strategy.backupWorkers = 1 is invalid: backup workers apply to consistency bsp only');
    await expect(refused({ gradientCoding: { scheme: 'fractional-repetition', s: 2 } }, 'virtual')).rejects.toThrow('strategy.gradientCoding.s = 2 stragglers cannot be tolerated by distributed.workers = 2 (s must be below the worker count)');
    await expect(refused({ backupWorkers: 2 })).rejects.toThrow('strategy.backupWorkers = 2 leaves no worker\'s gradient in a round of distributed.workers = 2');
    await expect(refused({ consistency: 'bsp', delayCompensation: { lambda: 0.04 } })).rejects.toThrow(
      'config key strategy.delayCompensation = {"lambda":0.04} is invalid: delay compensation applies to consistency asp or ssp',
    );
    await expect(refused({ consistency: 'asp', delayCompensation: { lambda: 0 } })).rejects.toThrow(/^config key strategy.delayCompensation.lambda = 0 is invalid/);
    await expect(runDataParallel({ config: validateConfig({ ...smallDdpConfig(root), strategy: { type: 'gossip' } }), metrics: new MetricsStream() })).rejects.toThrow(
      'config key strategy.type = "gossip" is invalid: expected one of ddp, ps, local-sgd',
    );
  });
});

describe.skipIf(!built)('parameter server faults in procs mode (needs the compiled CLI: npm run build)', () => {
  it('a server shard killed with --on-failure restart: the survivors resume from the last checkpoint and finish', async () => {
    const dir = join(root, 'server-killed');
    const config = validateConfig({
      ...psConfig(dir, { workers: 2, mode: 'procs', steps: 300, strategy: { servers: 2 } }),
      output: { dir, checkpointEvery: 20 },
      distributed: { workers: 2, mode: 'procs', onFailure: 'restart', failureTimeoutSec: 5, heartbeatSec: 0.2, timeoutSec: 30 },
    });
    const metrics = new MetricsStream();
    const starts: number[] = [];
    metrics.on('start', (r) => starts.push(r.step));
    // Ranks are given in join order: the fourth process to join is rank 3, a server.
    let serverPid = 0;
    const log = (line: string): void => {
      const joined = /pid (\d+), .*\(4 of 4\)$/.exec(line);
      if (joined && serverPid === 0) serverPid = Number(joined[1]);
    };
    let killed = false;
    const results = await trainOnCluster({
      config,
      metrics,
      log,
      onWorkers: (workers) =>
        metrics.on('checkpoint', (r) => {
          if (r.step === 60 && !killed && serverPid > 0) {
            killed = true;
            workers.kill(workers.pids.indexOf(serverPid), 'SIGKILL');
          }
        }),
    });
    expect(killed).toBe(true);
    expect(starts[0]).toBe(0);
    expect(starts[1]).toBeGreaterThanOrEqual(60); // resumed from a checkpoint at or after the kill
    // The restart runs on the 3 survivors: one worker and the two servers the strategy keeps.
    expect(results.map((r) => r.role)).toEqual(['worker', 'server', 'server']);
    expect(results[0]!.steps).toBe(300);
    expect(loadCheckpoint(join(dir, 'checkpoint.ckpt')).step).toBe(300);
  });

  /** Runs `config` in procs mode and SIGKILLs the process that joined `nth` (rank nth - 1) after the checkpoint at step 40. */
  async function killAfterCheckpoint(config: ReturnType<typeof validateConfig>, nth: number, ranks: number) {
    const metrics = new MetricsStream();
    const lines: string[] = [];
    let pid = 0;
    const log = (line: string): void => {
      lines.push(line);
      const joined = new RegExp(`pid (\\d+), .*\\(${nth} of ${ranks}\\)$`).exec(line);
      if (joined && pid === 0) pid = Number(joined[1]);
    };
    let killed = false;
    const outcome = await trainOnCluster({
      config,
      metrics,
      log,
      onWorkers: (workers) =>
        metrics.on('checkpoint', (r) => {
          if (r.step === 40 && !killed && pid > 0) {
            killed = true;
            workers.kill(workers.pids.indexOf(pid), 'SIGKILL');
          }
        }),
    }).then(
      (results) => ({ results, error: null }),
      (error: Error) => ({ results: null, error }),
    );
    return { ...outcome, killed, lines };
  }

  const asyncJob = (dir: string, strategy: Record<string, unknown>) =>
    validateConfig({
      ...psConfig(dir, { workers: 3, mode: 'procs', steps: 200, strategy }),
      output: { dir, checkpointEvery: 20 },
      distributed: { workers: 3, mode: 'procs', onFailure: 'continue', failureTimeoutSec: 5, heartbeatSec: 0.2, timeoutSec: 30 },
    });

  it('under ASP with --on-failure continue, kill -9 of a worker: the job goes on with the others and says so', async () => {
    const dir = join(root, 'asp-worker-killed');
    const { results, error, killed, lines } = await killAfterCheckpoint(asyncJob(dir, { servers: 1, consistency: 'asp' }), 3, 4);
    expect(error).toBeNull();
    expect(killed).toBe(true);
    expect(lines.some((line) => /rank 2 \(host 127\.0\.0\.1, pid \d+\) failed: /.test(line))).toBe(true);
    expect(lines.some((line) => line.endsWith('the job goes on without rank 2 (3 of 4 ranks left)'))).toBe(true);
    expect(results!.map((r) => r.timing.rank)).toEqual([0, 1, 3]);
    expect(results!.map((r) => r.role)).toEqual(['worker', 'worker', 'server']);
    expect(results![0]!.steps).toBe(200);
    expect(loadCheckpoint(join(dir, 'checkpoint.ckpt')).step).toBe(200);
  });

  it('under BSP, --on-failure continue cannot go on without a worker: the job fails naming it', async () => {
    const { error, killed } = await killAfterCheckpoint(asyncJob(join(root, 'bsp-worker-killed'), { servers: 1 }), 3, 4);
    expect(killed).toBe(true);
    expect(error?.message).toMatch(/^rank 2 \(host 127\.0\.0\.1, pid \d+\) failed: .*; the job cannot go on without rank 2$/);
  });
});
