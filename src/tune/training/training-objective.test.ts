import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig, withConfigValue } from '../../config/load.js';
import { buildSearchSpace, searchSpaceSchema } from '../space/search-space.js';
import { runTuneFile } from '../run-tune-file.js';
import { parseTuneFile } from '../tune-file.js';
import { tinyTrainingConfig } from './test-support/tiny-config.js';
import { startTrialRun } from './train-trial.js';
import type { TrialJob } from './trial-job.js';
import { TrainingObjective, trainingObjectiveSchema } from './training-objective.js';

const base = {
  ...tinyTrainingConfig,
  model: { type: 'mlp', hidden: [32] },
  train: { epochs: 2, batchSize: 64, evalEvery: 7 },
  output: { dir: 'elsewhere', checkpointEvery: 5 },
};

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loom-tune-training-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function objective(maxBudget: number | null, over: Record<string, unknown> = base, dir = 'ck'): TrainingObjective {
  return new TrainingObjective({
    spec: trainingObjectiveSchema.parse({ type: 'training', config: over, validation: 400 }),
    base: over,
    space: buildSearchSpace(searchSpaceSchema.parse({ 'optimizer.lr': { type: 'float', low: 1e-3, high: 1, log: true }, 'model.hidden.0': { type: 'int', low: 8, high: 64 } })),
    maxBudget,
    checkpointDir: join(root, dir),
  });
}

describe('a training trial config', () => {
  it('sets the parameters at their config paths, spans the largest budget and checkpoints in the trial directory', () => {
    const config = validateConfig(objective(27).trialConfig(4, { 'optimizer.lr': 0.2, 'model.hidden.0': 16 }));
    expect(config.optimizer.lr).toBe(0.2);
    expect(config.model).toEqual({ type: 'mlp', hidden: [16] });
    expect(config.train.epochs).toBe(27);
    expect(config.train.evalEvery).toBeUndefined();
    expect(config.output.dir).toBe(join(root, 'ck', 'trial-4'));
    expect(config.output.checkpointEvery).toBeUndefined();
    expect(base.model.hidden).toEqual([32]);
    expect(validateConfig(objective(null).trialConfig(0, {})).train.epochs).toBe(2);
  });

  it('refuses a base config that is invalid, counts in steps, or a parameter that is not a config path', () => {
    expect(() => objective(3, { ...base, optimizer: { type: 'sgd', lr: -1 } })).toThrow(/^objective\.config: config key optimizer\.lr = -1 is invalid/);
    expect(() => objective(3, { ...base, train: { steps: 100, batchSize: 64 } })).toThrow('objective.config: train.steps = 100 is set, but a training objective counts in epochs: set train.epochs instead');
    expect(
      () =>
        new TrainingObjective({
          spec: trainingObjectiveSchema.parse({ type: 'training', config: base }),
          base,
          space: buildSearchSpace(searchSpaceSchema.parse({ lr: { type: 'float', low: 0.01, high: 1 } })),
          maxBudget: 3,
          checkpointDir: root,
        }),
    ).toThrow('search space: parameter "lr" is not a config path');
  });
});

describe('a training trial run', () => {
  async function run(job: TrialJob): Promise<{ reports: [number, number][]; value: number }> {
    const reports: [number, number][] = [];
    const outcome = await startTrialRun(job, (epoch, value) => reports.push([epoch, value])).done;
    return { reports, value: outcome.value };
  }

  /** Trial `n` of `o` at lr 0.05, width 24, trained to `untilEpoch` (from `resumeFrom`). */
  const job = (o: TrainingObjective, n: number, untilEpoch: number, resumeFrom: string | null): TrialJob => ({
    trial: n,
    config: withConfigValue(o.trialConfig(n, { 'optimizer.lr': 0.05, 'model.hidden.0': 24 }), 'train.untilEpoch', untilEpoch),
    metric: 'accuracy',
    resumeFrom,
  });

  async function pausedAndStraight(o: TrainingObjective): Promise<void> {
    const straight = await run(job(o, 0, 3, null));
    expect(straight.reports.map(([e]) => e)).toEqual([1, 2, 3]);
    const first = await run(job(o, 1, 1, null));
    const resumed = await run(job(o, 1, 3, join(o.trialDir(1), 'checkpoint.ckpt')));
    expect([...first.reports, ...resumed.reports]).toEqual(straight.reports);
    expect(resumed.value).toBe(straight.value);
    expect(straight.value).toBeGreaterThan(0.5); // it learns: 10 classes, chance is 0.1
  }

  const starts = (o: TrainingObjective, n: number): { step: number; workers: number; testSize: number; trainSize: number }[] =>
    readFileSync(join(o.trialDir(n), 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.type === 'start');

  it('paused at epoch 1 and resumed to 3 reports exactly what an uninterrupted run to 3 reports', async () => {
    const o = objective(3);
    await pausedAndStraight(o);
    // Evaluated on the 400 held-out training samples, not the test set.
    expect(starts(o, 1)).toEqual([expect.objectContaining({ step: 0, workers: 1, testSize: 400 }), expect.objectContaining({ workers: 1, testSize: 400 })]);
  }, 60_000);

  it('paused at a third of an epoch reports there, and resumed to 2 reports what an uninterrupted run reports', async () => {
    const o = objective(2, base, 'ck-fraction');
    const straight = await run(job(o, 0, 2, null));
    const third = await run(job(o, 1, 1 / 3, null));
    expect(third.reports).toEqual([[1 / 3, third.value]]);
    const steps = readFileSync(join(o.trialDir(1), 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.type === 'eval').map((r) => r.step);
    const perEpoch = Math.floor(starts(o, 1)[0].trainSize / base.train.batchSize);
    expect(steps).toEqual([Math.round(perEpoch / 3)]);
    const resumed = await run(job(o, 1, 2, join(o.trialDir(1), 'checkpoint.ckpt')));
    expect(resumed.reports).toEqual(straight.reports);
  }, 60_000);

  it('runs a trial that is itself a 2-worker data-parallel job (threads): paused and resumed as one run', async () => {
    const o = objective(3, { ...base, distributed: { workers: 2, mode: 'threads' } }, 'ck-ddp');
    await pausedAndStraight(o);
    expect(starts(o, 1).map((r) => [r.workers, r.testSize])).toEqual([[2, 400], [2, 400]]);
  }, 120_000);
});

describe('loom tune on a training objective', () => {
  it('runs ASHA on two trial threads: trials pause at rungs, promoted ones resume, one reaches the top', async () => {
    const file = parseTuneFile({
      name: 'asha-threads',
      store: join(root, 'studies.sqlite'),
      objective: { type: 'training', config: base, validation: 400, checkpoints: join(root, 'asha') },
      space: { 'optimizer.lr': { type: 'float', low: 1e-3, high: 0.5, log: true }, 'model.hidden.0': { type: 'int', low: 8, high: 64, log: true } },
      sampler: { type: 'random', seed: 2 },
      scheduler: { type: 'asha', minBudget: 1, maxBudget: 9, eta: 3 },
      workers: 2,
      trials: 9,
    });
    const { study, db } = await runTuneFile(file);
    try {
      const trials = study.trials();
      expect(study.direction).toBe('maximize');
      expect(trials).toHaveLength(9);
      expect(trials.every((t) => t.state === 'paused' || t.state === 'complete')).toBe(true);
      const top = trials.filter((t) => t.state === 'complete');
      expect(top.length).toBeGreaterThanOrEqual(1);
      for (const t of top) {
        // Epochs 1..9 in order, over three runs of the trial (1, then 2-3, then 4-9); its value is the last.
        expect([...t.intermediate.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(t.value).toBe(t.intermediate.get(9));
      }
      // Every trial reported at least the bottom rung; paused ones stopped exactly at a rung.
      for (const t of trials.filter((x) => x.state === 'paused')) expect([1, 3]).toContain(Math.max(...t.intermediate.keys()));
      expect(new Set(trials.map((t) => t.attrs.worker)).size).toBe(1); // one process, two threads
    } finally {
      await db.close();
    }
  }, 120_000);

  it('runs 2-worker trials from a trial thread: each trial a data-parallel job on threads of its own', async () => {
    const checkpoints = join(root, 'asha-ddp');
    const file = parseTuneFile({
      name: 'asha-ddp',
      store: join(root, 'studies.sqlite'),
      objective: { type: 'training', config: { ...base, distributed: { workers: 2 } }, validation: 400, checkpoints },
      space: { 'optimizer.lr': { type: 'float', low: 1e-2, high: 0.2, log: true } },
      sampler: { type: 'random', seed: 4 },
      scheduler: { type: 'asha', minBudget: 1, maxBudget: 3, eta: 3 },
      trials: 3,
    });
    const { study, db } = await runTuneFile(file);
    try {
      const trials = study.trials();
      expect(trials.map((t) => t.state).sort()).toEqual(['complete', 'paused', 'paused']);
      const top = trials.find((t) => t.state === 'complete');
      expect([...(top?.intermediate.keys() ?? [])]).toEqual([1, 2, 3]);
      expect(top?.value).toBeGreaterThan(0.5);
      const records = readFileSync(join(checkpoints, `trial-${top?.number}`, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(records.filter((r) => r.type === 'start').map((r) => r.workers)).toEqual([2, 2]); // its first run, and its promotion
    } finally {
      await db.close();
    }
  }, 120_000);
});
