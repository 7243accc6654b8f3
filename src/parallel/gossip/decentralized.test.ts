/**
 * SGP and GossipGraD on the real runtime, one suite over both: with 2 workers each equals one
 * worker (each step then averages the two models); 8 virtual workers train the blobs to accuracy
 * > 0.8, reporting the consensus distance at evaluations; a checkpoint between evaluations holds
 * every rank's state and resumes exactly; bad options are refused before any worker starts.
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
  root = mkdtempSync(join(tmpdir(), 'loom-decentralized-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const configOf = (type: string, dir: string, workers: number, steps: number, strategy: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  strategyConfig(dir, { workers, mode: 'virtual', steps }, { type, ...strategy }, extra);

/** Refuses `strategy` (with `workers`) before any worker starts; resolves with the message. */
async function refused(type: string, strategy: Record<string, unknown>, workers: number): Promise<string> {
  const metrics = new MetricsStream();
  let started = false;
  metrics.on('start', () => {
    started = true;
  });
  const run = runDataParallel({ config: configOf(type, join(root, 'bad'), workers, 4, strategy), metrics });
  await expect(run).rejects.toThrow();
  expect(started).toBe(false);
  return run.then(
    () => 'resolved',
    (error: Error) => error.message,
  );
}

describe.each(['sgp', 'gossipgrad'])('%s', (type) => {
  it('with 2 workers equals one worker', async () => {
    const reference = await singleWorkerParams(join(root, 'single'), 10, 24);
    // Two workers have one exponential-graph offset: peersPerStep 1 is all they take.
    const dir = join(root, `pair-${type}`);
    await runDataParallel({ config: configOf(type, dir, 2, 10), metrics: new MetricsStream() });
    expect(relativeDifference(checkpointParams(dir), reference)).toBeLessThan(1e-5);
  });
});

describe.each([
  ['sgp', {}],
  ['sgp', { peersPerStep: 2 }],
  ['gossipgrad', {}],
] as const)('%s %j', (type, strategy) => {
  it('trains 8 virtual workers to accuracy > 0.8 in 60 steps, reporting the consensus distance at evaluations', async () => {
    const metrics = new MetricsStream();
    const measured: StepRecord[] = [];
    metrics.on('step', (r) => {
      if (r.consensusDistance !== undefined) measured.push(r);
    });
    const train = { steps: 60, batchSize: 32, logEvery: 10, evalEvery: 30 };
    const dir = join(root, `train-${type}-${JSON.stringify(strategy)}`);
    const [result] = await runDataParallel({ config: configOf(type, dir, 8, 60, strategy, { train }), metrics });
    expect(result!.steps).toBe(60);
    expect(result!.evaluation!.accuracy).toBeGreaterThan(0.8);
    expect(measured.map((r) => r.step)).toEqual([30, 60]);
    for (const { consensusDistance } of measured) {
      expect(Number.isFinite(consensusDistance)).toBe(true);
      expect(consensusDistance).toBeGreaterThan(0);
    }
  });

  it('checkpoints every rank between evaluations and resumes exactly', async () => {
    const config = (dir: string) => configOf(type, dir, 4, 20, strategy, { output: { dir, checkpointEvery: 5 } });
    const { saved, whole, resumed } = await resumeFromMiddle(root, type, config, 5);
    expect(saved.ranks).toHaveLength(4);
    // Step 5 is not an evaluation: the ranks have only gossiped, so their models differ (GossipGraD's
    // step 5 pairs 0 with 1 and 2 with 3, who then agree).
    expect(relativeDifference(saved.ranks![0]!.params, saved.ranks![2]!.params)).toBeGreaterThan(0);
    expect(relativeDifference(saved.ranks![1]!.params, saved.ranks![3]!.params)).toBeGreaterThan(0);
    expect(resumed).toEqual(whole);
  });
});

describe('decentralized strategies refuse bad options before any worker starts, naming key and value', () => {
  it('sgp', async () => {
    expect(await refused('sgp', { peersPerStep: 0 }, 4)).toMatch(/^config key strategy\.peersPerStep = 0 is invalid: /);
    expect(await refused('sgp', { peersPerStep: 1.5 }, 4)).toMatch(/^config key strategy\.peersPerStep = 1\.5 is invalid: /);
    expect(await refused('sgp', { peersPerStep: 3 }, 4)).toBe('strategy.peersPerStep = 3 is more than the 2 distinct peers of the exponential graph of 4 workers (ceil(log2 4))');
    expect(await refused('sgp', { topology: 'ring' }, 4)).toBe('unknown config key strategy.topology');
  });

  it('gossipgrad', async () => {
    expect(await refused('gossipgrad', {}, 6)).toBe('strategy gossipgrad pairs rank i with i XOR 2^k, so it needs a power-of-two number of workers, but distributed.workers = 6');
    expect(await refused('gossipgrad', { peersPerStep: 1 }, 4)).toBe('unknown config key strategy.peersPerStep');
  });
});
