import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsStream } from '../../train/metrics.js';
import { runDataParallel } from '../launch/run-data-parallel.js';
import { checkpointParams, relativeDifference, resumeFromMiddle, strategyConfig } from '../test-support/ddp-config.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loom-ps-compressed-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ps = (compression?: Record<string, unknown>) => ({ type: 'ps', servers: 2, consistency: 'bsp', ...(compression ? { compression } : {}) });

async function trained(name: string, strategy: Record<string, unknown>): Promise<Float32Array> {
  const dir = join(root, name);
  await runDataParallel({ config: strategyConfig(dir, { workers: 3, mode: 'virtual', steps: 8 }, strategy), metrics: new MetricsStream() });
  return checkpointParams(dir);
}

describe('parameter server with compressed pushes', () => {
  it('servers decode each push: top-k ratio 1 ends as dense pushes do, QSGD 8-bit near them, top-k 10% away from them', async () => {
    const dense = await trained('dense', ps());
    expect(relativeDifference(await trained('topk1', ps({ type: 'topk', ratio: 1 })), dense)).toBeLessThan(1e-5);
    const qsgd = relativeDifference(await trained('qsgd', ps({ type: 'qsgd', bits: 8 })), dense);
    expect(qsgd).toBeGreaterThan(0);
    expect(qsgd).toBeLessThan(0.05);
    expect(relativeDifference(await trained('topk10', ps({ type: 'topk', ratio: 0.1, errorFeedback: true })), dense)).toBeGreaterThan(qsgd);
  });

  it('refuses a compressor that needs an all-reduce, and mid-run checkpoints, with one line', async () => {
    const refused = (compression: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      runDataParallel({ config: strategyConfig(join(root, 'bad'), { workers: 2, mode: 'virtual', steps: 2 }, ps(compression), extra), metrics: new MetricsStream() }).then(
        () => 'ran',
        (error: Error) => error.message,
      );
    expect(await refused({ type: 'powersgd', rank: 1 })).toBe(
      'config key strategy.compression.type = "powersgd" is invalid for strategy ps: its encodings can only be summed inside an all-reduce, and a parameter server decodes each push on its own',
    );
    expect(await refused({ type: 'randomk', ratio: 0.1 })).toMatch(/^config key strategy\.compression\.type = "randomk" is invalid for strategy ps/);
    expect(await refused({ type: 'topk', ratio: 0.1, errorFeedback: true }, { output: { dir: join(root, 'bad'), checkpointEvery: 1 } })).toMatch(/^config key output\.checkpointEvery = 1 is not supported by strategy ps with compression topk that keeps state/);
  });

  it('a stateless compressor checkpoints mid-run and resumes exactly', async () => {
    const config = (dir: string) => strategyConfig(dir, { workers: 2, mode: 'virtual', steps: 12 }, ps({ type: 'qsgd', bits: 4 }), { output: { dir, checkpointEvery: 6 } });
    const { whole, resumed } = await resumeFromMiddle(root, 'qsgd-resume', config, 6);
    expect(resumed).toEqual(whole);
  });
});
