/**
 * The parameter server under BSP follows DDP (and one worker): parameters after k steps equal the
 * single-worker run's within 1e-5 relative, with 1, 2 or 4 server shards, over the virtual and
 * threads transports (procs mode: src/parallel/launch/procs-mode.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/load.js';
import { loadCheckpoint } from '../../train/checkpoint.js';
import { MetricsStream } from '../../train/metrics.js';
import { prepareRun } from '../../train/run.js';
import { runDataParallel } from '../launch/index.js';
import { relativeDifference, smallDdpConfig } from '../test-support/ddp-config.js';

let root: string;
let reference: Float32Array;
const steps = 10;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'loom-ps-'));
  const run = await prepareRun(smallDdpConfig(join(root, 'single'), { steps }));
  await run.trainer.run();
  reference = Float32Array.from(run.model.params);
  run.model.dispose();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function psConfig(dir: string, workers: number, mode: string, strategy: Record<string, unknown>) {
  return validateConfig({ ...smallDdpConfig(dir, { workers, mode, steps }), strategy: { type: 'ps', ...strategy } });
}

describe('parameter server, BSP', () => {
  for (const mode of ['virtual', 'threads']) {
    for (const servers of [1, 2, 4]) {
      it(`${mode} mode, 3 workers, ${servers} server shard(s): equals one worker`, async () => {
        const dir = join(root, `${mode}-${servers}`);
        const results = await runDataParallel({ config: psConfig(dir, 3, mode, { servers }), metrics: new MetricsStream() });
        expect(results.map((r) => r.role)).toEqual(['worker', 'worker', 'worker', ...Array(servers).fill('server')]);
        expect(results.map((r) => r.steps)).toEqual([...Array(3).fill(steps), ...Array(servers).fill(steps)]);
        expect(relativeDifference(loadCheckpoint(join(dir, 'checkpoint.ckpt')).params, reference)).toBeLessThan(1e-5);
      });
    }
  }
});

describe('parameter server, BSP with gradient coding', () => {
  for (const scheme of ['fractional-repetition', 'cyclic']) {
    it(`${scheme} (4 workers, s = 1, one straggler dropped every round): decodes the full gradient, equals one worker`, async () => {
      const dir = join(root, `coded-${scheme}`);
      const base = psConfig(dir, 4, 'virtual', { servers: 2, gradientCoding: { scheme, s: 1 } });
      await runDataParallel({ config: validateConfig({ ...base, distributed: { ...base.distributed, stragglers: { ranks: [1] } } }), metrics: new MetricsStream() });
      expect(relativeDifference(loadCheckpoint(join(dir, 'checkpoint.ckpt')).params, reference)).toBeLessThan(1e-5);
    });
  }
});

