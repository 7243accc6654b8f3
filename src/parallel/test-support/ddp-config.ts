import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfig } from '../../config/load.js';
import { loadCheckpoint, type Checkpoint } from '../../train/checkpoint.js';
import { MetricsStream } from '../../train/metrics.js';
import type { TrainResult } from '../../train/trainer.js';
import { runDataParallel } from '../launch/run-data-parallel.js';
import { prepareRun } from '../../train/run.js';
import type { LoomConfig } from '../../config/schema.js';

/** A small, fast classification run (synthetic blobs, an MLP, SGD with momentum) for DDP tests. */
export function smallDdpConfig(dir: string, overrides: { workers?: number; mode?: string; batchSize?: number; steps?: number; accumulationSteps?: number } = {}): LoomConfig {
  return validateConfig({
    seed: 11,
    backend: 'cpu',
    data: { name: 'blobs', classes: 4, dims: 12, trainSize: 400, testSize: 100, seed: 5 },
    model: { type: 'mlp', hidden: [16, 16] },
    optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 },
    train: { steps: overrides.steps ?? 10, batchSize: overrides.batchSize ?? 25, logEvery: 5, accumulationSteps: overrides.accumulationSteps ?? 1 },
    output: { dir },
    distributed: { workers: overrides.workers ?? 1, mode: overrides.mode ?? 'threads', timeoutSec: 30 },
  });
}

/** smallDdpConfig at batch 24 with a strategy (and any top-level sections replaced by `extra`). */
export function strategyConfig(
  dir: string,
  run: { workers: number; mode: string; steps: number },
  strategy: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): LoomConfig {
  return validateConfig({ ...smallDdpConfig(dir, { ...run, batchSize: 24 }), ...extra, strategy });
}

/** The parameters one worker ends with after `steps` steps of smallDdpConfig (the reference every strategy's equivalence is checked against). */
export async function singleWorkerParams(dir: string, steps: number, batchSize?: number): Promise<Float32Array> {
  const run = await prepareRun(smallDdpConfig(dir, { steps, ...(batchSize !== undefined ? { batchSize } : {}) }));
  try {
    await run.trainer.run();
    return Float32Array.from(run.model.params);
  } finally {
    run.model.dispose();
  }
}

/** The parameters of the checkpoint a run wrote to `dir`. */
export function checkpointParams(dir: string): Float32Array {
  return loadCheckpoint(join(dir, 'checkpoint.ckpt')).params;
}

/**
 * Trains `config` straight through, keeping a copy of the checkpoint written at step `at`, then
 * resumes a second run from that copy: the saved checkpoint, and both runs' final parameters.
 */
export async function resumeFromMiddle(
  root: string,
  name: string,
  config: (dir: string) => LoomConfig,
  at: number,
): Promise<{ saved: Checkpoint; whole: Float32Array; resumed: Float32Array; results: TrainResult[] }> {
  const whole = join(root, `whole-${name}`);
  const middle = join(root, `middle-${name}.ckpt`);
  const metrics = new MetricsStream();
  metrics.on('checkpoint', (r) => {
    if (r.step === at) copyFileSync(join(whole, 'checkpoint.ckpt'), middle);
  });
  const results = await runDataParallel({ config: config(whole), metrics });
  const resumed = join(root, `resumed-${name}`);
  await runDataParallel({ config: config(resumed), metrics: new MetricsStream(), resume: middle });
  return { saved: loadCheckpoint(middle), whole: checkpointParams(whole), resumed: checkpointParams(resumed), results };
}

/** ||a - b||_inf / ||b||_inf. */
export function relativeDifference(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}
