import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsStream } from '../../train/metrics.js';
import { runDataParallel } from '../launch/run-data-parallel.js';
import { checkpointParams, relativeDifference, resumeFromMiddle, strategyConfig } from '../test-support/ddp-config.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loom-onebit-adam-ddp-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ADAM = { type: 'adam', lr: 0.01 };
// 1-bit Adam keeps Adam's moments: the optimizer only applies lr * out.
const PLAIN_SGD = { type: 'sgd', lr: 0.01, momentum: 0 };

async function trainedParams(name: string, optimizer: Record<string, unknown>, strategy: Record<string, unknown>, steps = 10): Promise<Float32Array> {
  const dir = join(root, name);
  await runDataParallel({ config: strategyConfig(dir, { workers: 4, mode: 'virtual', steps }, strategy, { optimizer }), metrics: new MetricsStream() });
  return checkpointParams(dir);
}

describe('DDP with 1-bit Adam', () => {
  it('is dense Adam while it warms up: warmupSteps >= steps ends with the parameters of DDP under optimizer adam', async () => {
    const adam = await trainedParams('adam', ADAM, { type: 'ddp' });
    const onebit = await trainedParams('onebit-warm', PLAIN_SGD, { type: 'ddp', compression: { type: 'onebit-adam', warmupSteps: 10 } });
    expect(relativeDifference(onebit, adam)).toBeLessThan(1e-5);
    // after warm-up the momentum goes as signs: the run leaves Adam's path
    const compressed = await trainedParams('onebit-3', PLAIN_SGD, { type: 'ddp', compression: { type: 'onebit-adam', warmupSteps: 3 } });
    expect(relativeDifference(compressed, adam)).toBeGreaterThan(1e-4);
  });

  for (const stages of [1, 2]) {
    it(`${stages} stage(s): resumes exactly from a checkpoint holding every rank's moments and residuals`, async () => {
      const config = (dir: string) =>
        strategyConfig(dir, { workers: 3, mode: 'virtual', steps: 12 }, { type: 'ddp', compression: { type: 'onebit-adam', warmupSteps: 3, stages } }, { optimizer: PLAIN_SGD, output: { dir, checkpointEvery: 6 } });
      const { saved, whole, resumed } = await resumeFromMiddle(root, `onebit-adam-${stages}`, config, 6);
      expect(saved.ranks).toHaveLength(3);
      for (const rank of saved.ranks!) expect(rank!.strategy!.compressor!.some((v) => v !== 0)).toBe(true);
      expect(resumed).toEqual(whole);
    });
  }

  it('refuses a bad option, error feedback and an optimizer other than plain SGD before any worker starts, in one line', async () => {
    const refused = (compression: Record<string, unknown>, optimizer: Record<string, unknown> = PLAIN_SGD) =>
      runDataParallel({ config: strategyConfig(join(root, 'bad'), { workers: 2, mode: 'virtual', steps: 2 }, { type: 'ddp', compression }, { optimizer }), metrics: new MetricsStream() }).then(
        () => 'ran',
        (error: Error) => error.message,
      );
    expect(await refused({ type: 'onebit-adam', warmupSteps: 1, beta1: 1.5 })).toBe('config key strategy.compression.beta1 = 1.5 is invalid: expected a decay rate in [0, 1)');
    expect(await refused({ type: 'onebit-adam', warmupSteps: 1 }, ADAM)).toBe('compression onebit-adam keeps its own momentum, so the optimizer must be sgd with momentum 0, got optimizer adam');
    expect(await refused({ type: 'onebit-adam', warmupSteps: 1, errorFeedback: true })).toBe(
      'onebit-adam compressor option errorFeedback=true is invalid: it keeps its own error feedback on the momentum',
    );
    expect(await refused({ type: 'onebit-adam', warmupSteps: 1, momentumCorrection: 0.9 })).toBe(
      'compression option momentumCorrection=0.9 cannot be combined with onebit-adam, which keeps its own residual, momentum or rounds',
    );
  });
});
