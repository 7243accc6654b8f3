/**
 * Synchronous data parallelism must follow the single-worker trajectory: parameters after k steps
 * with N workers equal those of one worker on the same global batches and seed (1e-5 relative),
 * in every execution mode that runs here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../train/checkpoint.js';
import { MetricsStream } from '../../train/metrics.js';
import { prepareRun } from '../../train/run.js';
import { trainOnThreads, trainVirtual } from '../launch/index.js';
import { relativeDifference, smallDdpConfig } from '../test-support/ddp-config.js';

let root: string;
let reference: Float32Array;
const steps = 10;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'loom-ddp-'));
  const run = await prepareRun(smallDdpConfig(join(root, 'single'), { steps }));
  await run.trainer.run();
  reference = Float32Array.from(run.model.params);
  run.model.dispose();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const finalParams = (dir: string): Float32Array => loadCheckpoint(join(dir, 'checkpoint.ckpt')).params;

describe('DDP equals one worker on the same global batches', () => {
  for (const workers of [2, 3, 4]) {
    it(`virtual mode, ${workers} workers`, async () => {
      const dir = join(root, `virtual-${workers}`);
      const results = await trainVirtual({ config: smallDdpConfig(dir, { workers, mode: 'virtual', steps }), metrics: new MetricsStream() });
      expect(results.map((r) => r.steps)).toEqual(Array(workers).fill(steps));
      expect(relativeDifference(finalParams(dir), reference)).toBeLessThan(1e-5);
      expect(results[0].timing.simulated).toBe(true);
      expect(results[0].timing.bytesSent).toBeGreaterThan(0);
    });

    it(`threads mode, ${workers} workers`, async () => {
      const dir = join(root, `threads-${workers}`);
      const metrics = new MetricsStream();
      const losses: number[] = [];
      metrics.on('step', (r) => losses.push(r.loss));
      const results = await trainOnThreads({ config: smallDdpConfig(dir, { workers, steps }), metrics });
      expect(losses).toHaveLength(steps);
      expect(results.map((r) => r.timing.rank)).toEqual([...Array(workers).keys()]);
      expect(relativeDifference(finalParams(dir), reference)).toBeLessThan(1e-5);
    });
  }

  it('gradient accumulation (2 workers x 3 micro-batches) equals one worker', async () => {
    const dir = join(root, 'accumulate');
    await trainVirtual({ config: smallDdpConfig(dir, { workers: 2, mode: 'virtual', steps, accumulationSteps: 3 }), metrics: new MetricsStream() });
    expect(relativeDifference(finalParams(dir), reference)).toBeLessThan(1e-5);
  });

  it('refuses a global batch smaller than workers x micro-batches', async () => {
    const dir = join(root, 'tiny');
    await expect(trainVirtual({ config: smallDdpConfig(dir, { workers: 4, mode: 'virtual', batchSize: 6, accumulationSteps: 2 }), metrics: new MetricsStream() })).rejects.toThrow(
      /batchSize 6 is smaller than workers x accumulation steps \(4 x 2 = 8\)/,
    );
  });
});
