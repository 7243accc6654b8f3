import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsStream } from '../../train/metrics.js';
import { runDataParallel } from '../launch/run-data-parallel.js';
import { checkpointParams, relativeDifference, resumeFromMiddle, singleWorkerParams, strategyConfig } from '../test-support/ddp-config.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loom-compressed-ddp-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function trainedParams(name: string, mode: string, compression: Record<string, unknown>, steps = 10, workers = 4): Promise<Float32Array> {
  const dir = join(root, name);
  await runDataParallel({ config: strategyConfig(dir, { workers, mode, steps }, { type: 'ddp', compression }), metrics: new MetricsStream() });
  return checkpointParams(dir);
}

describe('DDP with gradient compression', () => {
  it('a lossless setting (top-k ratio 1) ends with one worker parameters; fp16 close to them (virtual and threads)', async () => {
    const reference = await singleWorkerParams(join(root, 'single'), 10, 24);
    for (const mode of ['virtual', 'threads']) {
      expect(relativeDifference(await trainedParams(`topk1-${mode}`, mode, { type: 'topk', ratio: 1 }), reference)).toBeLessThan(1e-5);
      const fp16 = relativeDifference(await trainedParams(`fp16-${mode}`, mode, { type: 'fp16' }), reference);
      expect(fp16).toBeLessThan(2e-2);
      expect(fp16).toBeGreaterThan(0); // it did round
    }
  });

  it('top-k with error feedback resumes exactly from a checkpoint holding every rank residual', async () => {
    const config = (dir: string) =>
      strategyConfig(dir, { workers: 2, mode: 'virtual', steps: 12 }, { type: 'ddp', compression: { type: 'topk', ratio: 0.05, errorFeedback: true } }, { output: { dir, checkpointEvery: 6 } });
    const { saved, whole, resumed } = await resumeFromMiddle(root, 'topk-ef', config, 6);
    expect(saved.ranks).toHaveLength(2);
    expect(saved.ranks![1]!.strategy!.compressor!.some((v) => v !== 0)).toBe(true);
    expect(resumed).toEqual(whole);
  });

  it('denseSteps: a warm-up of plain DDP, then compression', async () => {
    const params = async (name: string, denseSteps: number) => {
      const dir = join(root, name);
      const strategy = { type: 'ddp', compression: { type: 'topk', ratio: 0.05, errorFeedback: true }, denseSteps };
      await runDataParallel({ config: strategyConfig(dir, { workers: 4, mode: 'virtual', steps: 6 }, strategy), metrics: new MetricsStream() });
      return checkpointParams(dir);
    };
    const plainDir = join(root, 'dense-plain');
    await runDataParallel({ config: strategyConfig(plainDir, { workers: 4, mode: 'virtual', steps: 6 }, { type: 'ddp' }), metrics: new MetricsStream() });
    expect(await params('dense-all', 6)).toEqual(checkpointParams(plainDir));
    const warm = await params('dense-3', 3);
    expect(relativeDifference(warm, checkpointParams(plainDir))).toBeGreaterThan(0);
    expect(relativeDifference(warm, await params('dense-0', 0))).toBeGreaterThan(0);
  });

  it('refuses an unknown compressor and a bad option before any worker starts, naming key and value', async () => {
    const refused = (compression: Record<string, unknown>) =>
      runDataParallel({ config: strategyConfig(join(root, 'bad'), { workers: 2, mode: 'virtual', steps: 2 }, { type: 'ddp', compression }), metrics: new MetricsStream() }).then(
        () => 'ran',
        (error: Error) => error.message,
      );
    expect(await refused({ type: 'zip' })).toMatch(/^config key strategy\.compression\.type = "zip" is invalid: unknown compressor \(known: fp16, bf16, topk/);
    expect(await refused({ type: 'topk', ratio: 1.5 })).toBe('config key strategy.compression.ratio = 1.5 is invalid: expected a ratio in (0, 1]');
    expect(await refused({ type: 'powersgd', rank: 20 })).toBe("powersgd compressor option rank=20 is invalid: it exceeds fc3.weight's smaller side (4)");
    expect(await refused({ type: 'dgc' })).toBe('compression dgc keeps its own momentum, so the optimizer must be sgd with momentum 0, got sgd with momentum 0.9');
    expect(await refused({ type: 'signum' })).toMatch(/^compression signum keeps its own momentum/);
    const denseAlone = await runDataParallel({
      config: strategyConfig(join(root, 'bad'), { workers: 2, mode: 'virtual', steps: 2 }, { type: 'ddp', denseSteps: 5 }),
      metrics: new MetricsStream(),
    }).then(
      () => 'ran',
      (error: Error) => error.message,
    );
    expect(denseAlone).toBe('strategy.denseSteps (5) is a warm-up before compression: it needs strategy.compression and no robust section');
  });
});
