import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../config/load.js';
import { loadCheckpoint } from './checkpoint.js';
import { prepareRun } from './run.js';
import type { StepRecord } from './metrics.js';

function blobsConfig(dir: string, steps: number) {
  return validateConfig({
    seed: 7,
    backend: 'cpu',
    data: { name: 'blobs', classes: 3, dims: 6, trainSize: 96, testSize: 48, seed: 3 },
    model: { type: 'mlp', hidden: [8] },
    optimizer: { type: 'adam', lr: 0.01 },
    schedule: { type: 'cosine', warmupSteps: 3 },
    train: { steps, batchSize: 16, evalEvery: 6, logEvery: 4 },
    output: { dir, checkpointEvery: 5 },
  });
}

async function lossesOf(config: ReturnType<typeof blobsConfig>, resume?: string, stopAt?: number): Promise<number[]> {
  const run = await prepareRun(config, resume ? { resume } : {});
  const losses: number[] = [];
  run.metrics.on('step', (r: StepRecord) => {
    losses.push(r.loss);
    if (r.step === stopAt) run.trainer.stop();
  });
  await run.trainer.run();
  run.model.dispose();
  return losses;
}

describe('Trainer', () => {
  it('is deterministic: the same config and seed give the same loss sequence', async () => {
    const a = mkdtempSync(join(tmpdir(), 'loom-train-'));
    const b = mkdtempSync(join(tmpdir(), 'loom-train-'));
    const first = await lossesOf(blobsConfig(a, 12));
    const second = await lossesOf(blobsConfig(b, 12));
    expect(first).toHaveLength(12);
    expect(second).toEqual(first);
    expect(first[11]).toBeLessThan(first[0]);
    rmSync(a, { recursive: true });
    rmSync(b, { recursive: true });
  });

  it('resuming from a checkpoint reproduces the uninterrupted loss sequence exactly', async () => {
    const whole = mkdtempSync(join(tmpdir(), 'loom-whole-'));
    const split = mkdtempSync(join(tmpdir(), 'loom-split-'));
    const uninterrupted = await lossesOf(blobsConfig(whole, 20));

    // The same run stopped after step 9 (stop() checkpoints there), then resumed.
    const firstHalf = await lossesOf(blobsConfig(split, 20), undefined, 9);
    const midpoint = join(split, 'checkpoint.ckpt');
    expect(loadCheckpoint(midpoint).step).toBe(9);
    const secondHalf = await lossesOf(blobsConfig(split, 20), midpoint);

    expect([...firstHalf, ...secondHalf]).toEqual(uninterrupted);
    const final = loadCheckpoint(join(split, 'checkpoint.ckpt'));
    const reference = loadCheckpoint(join(whole, 'checkpoint.ckpt'));
    expect(final.params).toEqual(reference.params);
    rmSync(whole, { recursive: true });
    rmSync(split, { recursive: true });
  });

  it('streams step and eval records to metrics.jsonl', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-metrics-'));
    await lossesOf(blobsConfig(dir, 12));
    const records = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; step: number; accuracy?: number; samplesPerSec?: number });
    expect(records.filter((r) => r.type === 'step').map((r) => r.step)).toEqual([4, 8, 12]);
    const evals = records.filter((r) => r.type === 'eval');
    expect(evals.map((r) => r.step)).toEqual([6, 12]);
    expect(evals[1].accuracy).toBeGreaterThan(0.5);
    expect(records.some((r) => r.type === 'checkpoint')).toBe(true);
    rmSync(dir, { recursive: true });
  });

  it('refuses to resume from a checkpoint of another model, naming both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-other-'));
    await lossesOf(blobsConfig(dir, 5));
    const other = validateConfig({ ...blobsConfig(dir, 10), model: { type: 'logreg' } });
    await expect(prepareRun(other, { resume: join(dir, 'checkpoint.ckpt') })).rejects.toThrow(
      /checkpoint .* is of model \{"type":"mlp","hidden":\[8\]\} \(\d+ params\) but the config asks for \{"type":"logreg"\}/,
    );
    rmSync(dir, { recursive: true });
  });
});
