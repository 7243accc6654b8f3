import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../train/checkpoint.js';
import { runTuneFile } from '../run-tune-file.js';
import { lastStep, pbtMembers } from '../schedulers/pbt.js';
import type { FrozenTrial } from '../study/trial.js';
import { parseTuneFile } from '../tune-file.js';
import { tinyTrainingConfig } from './test-support/tiny-config.js';

const base = { ...tinyTrainingConfig, train: { epochs: 2, batchSize: 64, logEvery: 1 } };

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loom-tune-pbt-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tuneFile(trials: number, mutations = ['optimizer.lr', 'optimizer.momentum'], name = 'pbt-threads') {
  return parseTuneFile({
    name,
    store: join(root, 'studies.sqlite'),
    objective: { type: 'training', config: base, validation: 400, checkpoints: join(root, name) },
    space: { 'optimizer.lr': { type: 'float', low: 1e-4, high: 0.3, log: true }, 'optimizer.momentum': { type: 'float', low: 0, high: 0.9 } },
    // Seed 54 draws founder 0 an lr of 1.2e-4 (it barely learns in an epoch), the others 0.09 to 0.17.
    sampler: { type: 'random', seed: 54 },
    scheduler: { type: 'pbt', population: 4, interval: 1, maxBudget: 3, mutations, seed: 2 },
    workers: 2,
    trials,
  });
}

interface MetricLine {
  type: string;
  step: number;
  lr?: number;
  totalSteps?: number;
}

const metricsOf = (dir: string): MetricLine[] =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as MetricLine);

describe('loom tune with PBT on a training objective', () => {
  it('refuses fewer trials than the population, and at the first report a mutation that is not a parameter', async () => {
    await expect(runTuneFile(tuneFile(3))).rejects.toThrow('trials: pbt needs at least population = 4 trials (each member is one; exploits are not counted), got 3');
    await expect(runTuneFile(tuneFile(4, ['optimizer.lr', 'optimizer.lrr'], 'pbt-bad'))).rejects.toThrow(
      /^search space: pbt mutations name "optimizer\.lrr", which is not a parameter of the space \(trial \d has optimizer\.lr, optimizer\.momentum\)$/,
    );
  }, 60_000);

  it('trains a population on two trial threads: lineages reach maxBudget, an exploited member continues its donor\'s epoch-s copy from epoch s + 1 with its own lr', async () => {
    const { study, db } = await runTuneFile(tuneFile(4));
    try {
      const trials = study.trials();
      const byId = new Map(trials.map((t) => [t.id, t]));
      expect(study.direction).toBe('maximize');
      const members = pbtMembers(study);
      expect(members).toHaveLength(4);
      for (const m of members) expect([m.state, lastStep(m), m.value]).toEqual(['complete', 3, m.intermediate.get(3)]);
      // Founder 0 is the worst after epoch 1 whenever it is ranked: it is replaced there.
      expect(trials[0].state).toBe('pruned');
      expect(trials[0].attrs.replacedBy).toBeDefined();
      const children = trials.filter((t) => t.attrs.pbtParent !== undefined);
      expect(children.length).toBeGreaterThanOrEqual(1);
      for (const child of children) {
        const s = child.attrs.startEpoch as number;
        const donor = byId.get(child.attrs.pbtParent as number) as FrozenTrial;
        // The first report is epoch s + 1, then every epoch up to where this trial ended.
        const steps = [...child.intermediate.keys()];
        expect(steps).toEqual(Array.from({ length: lastStep(child) - s }, (_, i) => s + 1 + i));
        // It started from the donor's kept copy at epoch s (or the file the donor itself started from at s).
        const startFrom = child.attrs.startFrom as string;
        const donorCopy = donor.attrs.startEpoch === s ? donor.attrs.startFrom : (donor.attrs.checkpoints as Record<string, string>)[String(s)];
        expect(startFrom).toBe(donorCopy);
        expect(startFrom).toMatch(new RegExp(`epoch-${s}\\.ckpt$`));
        expect(existsSync(startFrom)).toBe(true);
        const metrics = metricsOf(join(root, 'pbt-threads', `trial-${child.number}`));
        const start = metrics.find((m) => m.type === 'start') as MetricLine;
        const perEpoch = (start.totalSteps as number) / 3; // the schedule spans maxBudget
        expect(start.step).toBe(s * perEpoch);
        expect(loadCheckpoint(startFrom).step).toBe(s * perEpoch);
        // Its own lr takes effect at once on the base config's cosine over 3 epochs: step k trains at lr(k - 1).
        const first = metrics.find((m) => m.type === 'step') as MetricLine;
        expect(first.step).toBe(s * perEpoch + 1);
        const cosine = (lr: number): number => (lr * (1 + Math.cos((Math.PI * s * perEpoch) / (3 * perEpoch)))) / 2;
        expect(first.lr).toBeCloseTo(cosine(child.params['optimizer.lr'] as number), 12);
        expect(child.params['optimizer.lr']).not.toBe(donor.params['optimizer.lr']);
      }
      // Every member's lineage goes back to a founder through replaced trials; the founders are trials 0-3.
      expect(trials.filter((t) => t.attrs.replaces === undefined && t.attrs.retryOf === undefined).map((t) => t.number)).toEqual([0, 1, 2, 3]);
      // A kept copy stays what it was: the members that paused at epoch 2 went on to 3 (the others started there).
      const paused = members.filter((m) => ((m.attrs.startEpoch as number | undefined) ?? 0) < 2);
      expect(paused.length).toBeGreaterThanOrEqual(1);
      for (const m of paused) {
        const kept = (m.attrs.checkpoints as Record<string, string>)['2'];
        expect(kept).toBe(join(root, 'pbt-threads', `trial-${m.number}`, 'epoch-2.ckpt'));
        expect(loadCheckpoint(kept).step * 3).toBe(2 * loadCheckpoint(m.attrs.checkpoint as string).step);
      }
    } finally {
      await db.close();
    }
  }, 180_000);
});
