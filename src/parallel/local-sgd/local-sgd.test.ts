/**
 * Local SGD on the real runtime: post-local SGD with H = 1 follows DDP (and one worker); with
 * H = 8 it sends 8x fewer bytes per step after the switch; a checkpoint taken between averages
 * holds every rank's own state and resumes exactly; hierarchical averaging follows its schedule.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsStream, type StepRecord } from '../../train/metrics.js';
import { runDataParallel } from '../launch/index.js';
import { checkpointParams, relativeDifference, resumeFromMiddle, singleWorkerParams, strategyConfig } from '../test-support/ddp-config.js';
import { averagingAfter } from './local-sgd-group.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loom-local-sgd-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const localConfig = (dir: string, workers: number, mode: string, steps: number, strategy: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  strategyConfig(dir, { workers, mode, steps }, { type: 'local-sgd', ...strategy }, extra);
const params = checkpointParams;

describe('local SGD', () => {
  it('post-local SGD with H = 1 equals one worker (virtual, 3 workers; threads, 2 workers)', async () => {
    const reference = await singleWorkerParams(join(root, 'single'), 10, 24);
    for (const [workers, mode] of [
      [3, 'virtual'],
      [2, 'threads'],
    ] as const) {
      const dir = join(root, `h1-${mode}`);
      await runDataParallel({ config: localConfig(dir, workers, mode, 10, { period: 1, switchStep: 4 }), metrics: new MetricsStream() });
      expect(relativeDifference(params(dir), reference)).toBeLessThan(1e-5);
    }
  });

  it('with H = 8 sends 8x fewer bytes per step after the switch than DDP before it', async () => {
    const metrics = new MetricsStream();
    const steps: StepRecord[] = [];
    metrics.on('step', (r) => steps.push(r));
    await runDataParallel({ config: localConfig(join(root, 'h8'), 4, 'virtual', 40, { period: 8, switchStep: 8 }, { train: { steps: 40, batchSize: 24, logEvery: 5, evalEvery: 1000 } }), metrics });
    const bytes = (from: number, to: number) => steps.filter((r) => r.step > from && r.step <= to).reduce((sum, r) => sum + r.timing!.bytesSent, 0) / (to - from);
    const ratio = bytes(0, 8) / bytes(8, 40);
    expect(ratio).toBeGreaterThan(7.9);
    expect(ratio).toBeLessThan(8.1);
  });

  it('checkpoints every rank between averages and resumes exactly', async () => {
    const config = (dir: string) => localConfig(dir, 3, 'virtual', 20, { period: 4 }, { output: { dir, checkpointEvery: 5 } });
    const { saved, whole, resumed } = await resumeFromMiddle(root, 'h4', config, 5);
    expect(saved.ranks).toHaveLength(3);
    // Step 5 is one local step past the average at 4: the ranks' models differ.
    expect(relativeDifference(saved.ranks![0]!.params, saved.ranks![1]!.params)).toBeGreaterThan(0);
    expect(resumed).toEqual(whole);
  });

  it('averages hierarchically: within nodes every H steps, over all every globalPeriod', () => {
    const schedule = { period: 2, switchStep: 3, nodeSize: 2, globalPeriod: 6 };
    expect(Array.from({ length: 12 }, (_, i) => averagingAfter(schedule, i + 1))).toEqual([
      'none', 'none', 'none', // synchronous steps 1-3
      'none', 'node', 'none', 'node', 'none', 'all', // local steps 1-6
      'none', 'node', 'none',
    ]);
  });

  it('trains hierarchically over threads (4 workers, nodes of 2)', async () => {
    const dir = join(root, 'hier');
    const results = await runDataParallel({ config: localConfig(dir, 4, 'threads', 40, { period: 2, nodeSize: 2, globalPeriod: 8 }), metrics: new MetricsStream() });
    expect(results.map((r) => r.steps)).toEqual([40, 40, 40, 40]);
    expect(results[0]!.evaluation!.accuracy).toBeGreaterThan(0.8);
  });

  it('compressed averages: lossless top-k equals dense local SGD; top-k 1% sends >10x fewer bytes per average', async () => {
    const run = async (name: string, compression: Record<string, unknown> | null, steps = 16) => {
      const dir = join(root, name);
      const metrics = new MetricsStream();
      const records: StepRecord[] = [];
      metrics.on('step', (r) => records.push(r));
      const strategy = { period: 4, ...(compression ? { compression } : {}) };
      await runDataParallel({ config: localConfig(dir, 4, 'virtual', steps, strategy, { train: { steps, batchSize: 24, logEvery: 1, evalEvery: 1000 } }), metrics });
      // Bytes of the averages before the last step (whose exact average is dense either way).
      const sent = records.filter((r) => r.step < steps && r.step % 4 === 0).reduce((sum, r) => sum + r.timing!.bytesSent, 0);
      return { params: params(dir), sent };
    };
    const dense = await run('avg-dense', null);
    const lossless = await run('avg-topk1', { type: 'topk', ratio: 1 });
    expect(relativeDifference(lossless.params, dense.params)).toBeLessThan(1e-5);
    const sparse = await run('avg-topk001', { type: 'topk', ratio: 0.01, errorFeedback: true });
    expect(dense.sent / sparse.sent).toBeGreaterThan(10); // 25x in payload; message headers and the scalars weigh on the small test model
    expect(relativeDifference(sparse.params, dense.params)).toBeGreaterThan(1e-3); // it did compress
  });

  it('compressed averages checkpoint the anchor and every rank residual and resume exactly', async () => {
    const config = (dir: string) => localConfig(dir, 3, 'virtual', 20, { period: 4, compression: { type: 'topk', ratio: 0.05, errorFeedback: true } }, { output: { dir, checkpointEvery: 10 } });
    const { saved, whole, resumed } = await resumeFromMiddle(root, 'h4-topk', config, 10);
    const strategy = saved.ranks![1]!.strategy!;
    expect(strategy.compressor!.some((v) => v !== 0)).toBe(true);
    expect(strategy.averageAnchor).toEqual(saved.ranks![0]!.strategy!.averageAnchor);
    expect(resumed).toEqual(whole);
  });

  it('refuses options it cannot run, naming the key', async () => {
    const refused = (strategy: Record<string, unknown>) => runDataParallel({ config: localConfig(join(root, 'bad'), 4, 'virtual', 4, strategy), metrics: new MetricsStream() });
    await expect(refused({ nodeSize: 3 })).rejects.toThrow('strategy.nodeSize = 3 must divide distributed.workers = 4');
    await expect(refused({ period: 4, nodeSize: 2, globalPeriod: 6 })).rejects.toThrow('config key strategy.globalPeriod = 6 is invalid: globalPeriod must be a multiple of period');
    await expect(refused({ period: 0 })).rejects.toThrow(/^config key strategy.period = 0 is invalid/);
    await expect(refused({ compression: { type: 'topk', ratio: 0 } })).rejects.toThrow('config key strategy.compression.ratio = 0 is invalid: expected a ratio in (0, 1]');
    await expect(refused({ compression: { type: 'dgc', ratio: 0.01 } })).rejects.toThrow("compression dgc keeps a momentum of its own, so it cannot sum local SGD's model deltas");
  });
});
