/**
 * D-PSGD on the real runtime: on the complete graph (W = 1/n) it follows one worker; on a ring and
 * an exponential graph it trains, reporting the consensus distance at evaluation steps (smaller
 * on the complete graph than on the ring, falling as a cosine schedule's rate decays); a
 * checkpoint between evaluations holds every rank's state and resumes exactly; bad options are
 * refused before any worker starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsStream, type StepRecord } from '../../train/metrics.js';
import { runDataParallel } from '../launch/index.js';
import { checkpointParams, relativeDifference, resumeFromMiddle, singleWorkerParams, strategyConfig } from '../test-support/ddp-config.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loom-dpsgd-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const dpsgdConfig = (dir: string, workers: number, mode: string, steps: number, strategy: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  strategyConfig(dir, { workers, mode, steps }, { type: 'd-psgd', ...strategy }, extra);
const params = checkpointParams;

/** Trains and returns the step records that carry a consensus distance, and the lead's result. */
async function trainRecording(dir: string, workers: number, topology: string, steps: number, evalEvery: number, extra: Record<string, unknown> = {}) {
  const metrics = new MetricsStream();
  const measured: StepRecord[] = [];
  metrics.on('step', (r) => {
    if (r.consensusDistance !== undefined) measured.push(r);
  });
  const train = { steps, batchSize: 32, logEvery: 10, evalEvery };
  const results = await runDataParallel({ config: dpsgdConfig(dir, workers, 'virtual', steps, { topology }, { train, ...extra }), metrics });
  return { measured, result: results[0]! };
}

describe('D-PSGD', () => {
  it('on the complete graph equals one worker (virtual, 3 workers; threads, 2 workers)', async () => {
    const reference = await singleWorkerParams(join(root, 'single'), 10, 24);
    for (const [workers, mode] of [
      [3, 'virtual'],
      [2, 'threads'],
    ] as const) {
      const dir = join(root, `complete-${mode}`);
      await runDataParallel({ config: dpsgdConfig(dir, workers, mode, 10, { topology: 'complete' }), metrics: new MetricsStream() });
      expect(relativeDifference(params(dir), reference)).toBeLessThan(1e-5);
    }
  });

  it('trains on a ring of 4 and an exponential graph of 8, reporting the consensus distance at evaluations', async () => {
    for (const [workers, topology] of [
      [4, 'ring'],
      [8, 'exponential'],
    ] as const) {
      const { measured, result } = await trainRecording(join(root, `${topology}-${workers}`), workers, topology, 60, 20);
      expect(result.steps).toBe(60);
      expect(result.evaluation!.accuracy).toBeGreaterThan(0.8);
      expect(measured.map((r) => r.step)).toEqual([20, 40, 60]);
      for (const { consensusDistance } of measured) {
        expect(Number.isFinite(consensusDistance)).toBe(true);
        expect(consensusDistance).toBeGreaterThan(0);
      }
    }
  });

  it('keeps the models closer on the complete graph than on a ring', async () => {
    const ring = await trainRecording(join(root, 'spread-ring'), 4, 'ring', 40, 10);
    const complete = await trainRecording(join(root, 'spread-complete'), 4, 'complete', 40, 10);
    expect(complete.measured.map((r) => r.step)).toEqual([10, 20, 30, 40]);
    expect(ring.measured.map((r) => r.step)).toEqual([10, 20, 30, 40]);
    complete.measured.forEach((r, i) => expect(r.consensusDistance!).toBeLessThan(ring.measured[i]!.consensusDistance!));
  });

  it('drives the consensus distance down as the learning rate decays (cosine, ring of 8)', async () => {
    const { measured } = await trainRecording(join(root, 'decay'), 8, 'ring', 80, 10, { schedule: { type: 'cosine' } });
    const distances = measured.map((r) => r.consensusDistance!);
    expect(distances).toHaveLength(8);
    // From identical models it grows while the rate is high, then falls with it, step after step.
    const peak = distances.indexOf(Math.max(...distances));
    expect(peak).toBeLessThan(4);
    for (let k = peak + 1; k < distances.length; k++) expect(distances[k]!).toBeLessThan(distances[k - 1]!);
    expect(distances.at(-1)!).toBeLessThan(0.01 * distances[peak]!);
  });

  it('checkpoints every rank between evaluations and resumes exactly', async () => {
    const config = (dir: string) => dpsgdConfig(dir, 4, 'virtual', 20, { topology: 'ring' }, { output: { dir, checkpointEvery: 5 } });
    const { saved, whole, resumed } = await resumeFromMiddle(root, 'ring', config, 5);
    expect(saved.ranks).toHaveLength(4);
    // Step 5 is not an evaluation (every 16 steps): the ranks have only gossiped, so their models differ.
    expect(relativeDifference(saved.ranks![0]!.params, saved.ranks![1]!.params)).toBeGreaterThan(0);
    expect(relativeDifference(saved.ranks![0]!.params, saved.ranks![2]!.params)).toBeGreaterThan(0);
    expect(resumed).toEqual(whole);
  });

  it('refuses bad options before any worker starts, naming key and value', async () => {
    const refused = async (strategy: Record<string, unknown>, workers = 4) => {
      const metrics = new MetricsStream();
      let started = false;
      metrics.on('start', () => {
        started = true;
      });
      const run = runDataParallel({ config: dpsgdConfig(join(root, 'bad'), workers, 'virtual', 4, strategy), metrics });
      await expect(run).rejects.toThrow();
      expect(started).toBe(false);
      return run.catch((error: Error) => error.message);
    };
    expect(await refused({ topology: 'star' })).toMatch(/^config key strategy\.topology = "star" is invalid: .*"ring"\|"torus"\|"exponential"\|"complete"/);
    const notStochastic = [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 0.5, 0.5],
      [0, 0, 0.25, 0.75],
    ];
    expect(await refused({ mixing: notStochastic })).toBe('strategy.mixing: column 2 sums to 0.75, not 1 (a mixing matrix must be doubly stochastic)');
    const third = [1 / 3, 1 / 3, 1 / 3];
    expect(await refused({ mixing: [third, third, third] })).toBe('strategy.mixing is 3 x 3, but distributed.workers = 4 needs 4 x 4');
    expect(await refused({ topology: 'ring', mixing: [third, third, third] }, 3)).toMatch(/^config key strategy\.mixing = .* is invalid: give topology or mixing, not both$/);
    expect(await refused({ topology: 'torus' }, 7)).toBe('strategy.topology = "torus" needs workers that factor as r x c with r, c >= 2, but 7 is 1 x 7 (use ring)');
    expect(await refused({ mixing: [[1, 0], [0, -1]] }, 2)).toMatch(/^config key strategy\.mixing\.1\.1 = -1 is invalid/);
  });
});
