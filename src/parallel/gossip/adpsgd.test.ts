/**
 * AD-PSGD on the real runtime: with one of 4 virtual workers 3x slower it trains, the fast ranks
 * take more of the job's steps, and it ends at least 2x sooner than D-PSGD on the same ring;
 * virtual runs are deterministic (the world's event clock orders every averaging) and evaluate the
 * ranks' average model, with its consensus distance, during the run; threads mode
 * trains; bad options are refused before any worker starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsStream } from '../../train/metrics.js';
import { runDataParallel } from '../launch/index.js';
import { checkpointParams, strategyConfig } from '../test-support/ddp-config.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loom-adpsgd-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** 4 virtual workers, rank 3 three times slower; compute charged at a stated rate (deterministic). */
const slowRankConfig = (dir: string, strategy: Record<string, unknown>, mode = 'virtual', workers = 4) =>
  strategyConfig(dir, { workers, mode, steps: 40 }, strategy, {
    distributed: { workers, mode, timeoutSec: 30, computeGflops: 0.001, network: { latencyUs: 50, bandwidthGbps: 10 }, stragglers: { ranks: [3], slowdown: 3 } },
    train: { steps: 40, batchSize: 24, logEvery: 10, evalEvery: 20 },
  });

describe('AD-PSGD', () => {
  it('with one rank 3x slower trains at least 2x sooner than D-PSGD, deterministically (virtual, 4 workers)', async () => {
    const run = async (name: string, strategy: Record<string, unknown>) => {
      const dir = join(root, name);
      const metrics = new MetricsStream();
      const distances: number[] = [];
      metrics.on('step', (r) => r.consensusDistance !== undefined && distances.push(r.consensusDistance));
      const results = await runDataParallel({ config: slowRankConfig(dir, strategy), metrics });
      return { results, params: checkpointParams(dir), distances };
    };
    const ad = await run('ad', { type: 'ad-psgd' });
    const again = await run('ad-again', { type: 'ad-psgd' });
    const sync = await run('sync', { type: 'd-psgd', topology: 'ring' });
    expect(again.params).toEqual(ad.params);
    // The average model is evaluated at step 20 (seen at one simulated instant) and at the end (exact).
    expect(ad.distances).toHaveLength(2);
    for (const d of ad.distances) expect(d).toBeGreaterThan(0);
    expect(ad.results.map((r) => r.role)).toEqual(['active', 'passive', 'active', 'passive']);
    const own = ad.results.map((r) => r.timing.steps);
    // The job's 160 worker steps (40 steps x 4 workers), give or take what the ranks had not yet heard of.
    const total = own.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(160);
    expect(total).toBeLessThan(168);
    expect(own[3]!).toBeLessThan(own[0]! / 2);
    const lead = ad.results[0]!;
    expect(lead.evaluation!.accuracy).toBeGreaterThan(0.8);
    const simulatedSeconds = (r: { steps: number; samplesPerSec: number }) => (r.steps * 24) / r.samplesPerSec;
    expect(simulatedSeconds(sync.results[0]!) / simulatedSeconds(lead)).toBeGreaterThan(2);
  });

  it('trains in threads mode (2 workers: an active and a passive)', async () => {
    const dir = join(root, 'threads');
    const config = strategyConfig(dir, { workers: 2, mode: 'threads', steps: 30 }, { type: 'ad-psgd' }, { train: { steps: 30, batchSize: 24, logEvery: 10, evalEvery: 15 } });
    const results = await runDataParallel({ config, metrics: new MetricsStream() });
    expect(results.map((r) => r.role)).toEqual(['active', 'passive']);
    expect(results[0]!.steps).toBeGreaterThanOrEqual(30);
    expect(results[0]!.evaluation!.accuracy).toBeGreaterThan(0.8);
  });

  it('fails with the diverging rank named, without running on (virtual and threads)', async () => {
    for (const mode of ['virtual', 'threads']) {
      const dir = join(root, `diverge-${mode}`);
      const config = strategyConfig(dir, { workers: 2, mode, steps: 400 }, { type: 'ad-psgd' }, { optimizer: { type: 'sgd', lr: 1e12 } });
      const started = performance.now();
      await expect(runDataParallel({ config, metrics: new MetricsStream() })).rejects.toThrow(/training diverged at step \d+ on rank \d: loss is (NaN|-?Infinity)/);
      expect(performance.now() - started).toBeLessThan(20_000);
    }
  });

  it('refuses bad options before any worker starts, naming key and value', async () => {
    const refused = async (strategy: Record<string, unknown>, workers = 4, extra: Record<string, unknown> = {}) => {
      const metrics = new MetricsStream();
      let started = false;
      metrics.on('start', () => {
        started = true;
      });
      const dir = join(root, 'bad');
      const run = runDataParallel({ config: strategyConfig(dir, { workers, mode: 'virtual', steps: 4 }, strategy, extra), metrics });
      await expect(run).rejects.toThrow();
      expect(started).toBe(false);
      return run.catch((error: Error) => error.message);
    };
    expect(await refused({ type: 'ad-psgd', topology: 'torus' })).toMatch(/^config key strategy\.topology = "torus" is invalid: .*"ring"\|"complete"/);
    expect(await refused({ type: 'ad-psgd' }, 5)).toMatch(/^config key distributed\.workers = 5 is invalid for strategy ad-psgd: it needs an even number of workers/);
    expect(await refused({ type: 'ad-psgd' }, 4, { output: { dir: join(root, 'bad'), checkpointEvery: 5 } })).toBe(
      'config key output.checkpointEvery = 5 is not supported by strategy ad-psgd: its checkpoint is written at the end of the run only',
    );
  });
});
