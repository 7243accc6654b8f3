/**
 * CHOCO-SGD on the real runtime: with a lossless compressor and gamma = 1 it is D-PSGD; with top-k
 * it trains on a ring sending a fraction of D-PSGD's bytes; a checkpoint holds every rank's public
 * copies and resumes exactly; compressors that keep their own residual are refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsStream, type StepRecord } from '../../train/metrics.js';
import { runDataParallel } from '../launch/index.js';
import { checkpointParams, relativeDifference, resumeFromMiddle, strategyConfig } from '../test-support/ddp-config.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loom-choco-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const gossipConfig = (dir: string, workers: number, mode: string, steps: number, strategy: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  strategyConfig(dir, { workers, mode, steps }, strategy, extra);

/** Trains; returns the lead's result and the bytes sent per step before the last (whose exact average is dense). */
async function train(name: string, strategy: Record<string, unknown>, steps: number, mode = 'virtual') {
  const dir = join(root, name);
  const metrics = new MetricsStream();
  const records: StepRecord[] = [];
  metrics.on('step', (r) => records.push(r));
  const results = await runDataParallel({ config: gossipConfig(dir, 4, mode, steps, strategy, { train: { steps, batchSize: 32, logEvery: 1, evalEvery: 1000 } }), metrics });
  const gossiped = records.filter((r) => r.step < steps);
  const consensusDistance = records.find((r) => r.step === steps)?.consensusDistance;
  return { dir, result: results[0]!, consensusDistance, bytesPerStep: gossiped.reduce((sum, r) => sum + r.timing!.bytesSent, 0) / gossiped.length };
}

describe('CHOCO-SGD', () => {
  it('with a lossless compressor and consensus step 1 is D-PSGD (virtual and threads)', async () => {
    const dpsgd = await train('dpsgd', { type: 'd-psgd', topology: 'ring' }, 12);
    for (const mode of ['virtual', 'threads']) {
      const choco = await train(`lossless-${mode}`, { type: 'choco-sgd', topology: 'ring', consensusStepSize: 1, compression: { type: 'topk', ratio: 1 } }, 12, mode);
      expect(relativeDifference(checkpointParams(choco.dir), checkpointParams(dpsgd.dir))).toBeLessThan(1e-5);
    }
  });

  it('trains on a ring with top-k 5%, sending a fraction of what D-PSGD sends', async () => {
    const dpsgd = await train('dpsgd-60', { type: 'd-psgd', topology: 'ring' }, 60);
    const choco = await train('topk-60', { type: 'choco-sgd', topology: 'ring', compression: { type: 'topk', ratio: 0.05 } }, 60);
    expect(choco.result.evaluation!.accuracy).toBeGreaterThan(0.8);
    // The models stay together, if less tightly than under exact gossip (40x D-PSGD's here); a
    // consensus step too large for the compression lets them drift apart by orders of magnitude.
    expect(choco.consensusDistance!).toBeLessThan(100 * dpsgd.consensusDistance!);
    expect(choco.result.evaluation!.accuracy).toBeGreaterThan(dpsgd.result.evaluation!.accuracy - 0.05);
    // 5% of the values, each with its int32 index: 10x fewer bytes, less the headers of the small test model.
    expect(dpsgd.bytesPerStep / choco.bytesPerStep).toBeGreaterThan(6);
  });

  it('checkpoints every rank public copies and resumes exactly', async () => {
    const config = (dir: string) =>
      gossipConfig(dir, 3, 'virtual', 20, { type: 'choco-sgd', topology: 'ring', compression: { type: 'qsgd', bits: 4 } }, { output: { dir, checkpointEvery: 10 } });
    const { saved, whole, resumed } = await resumeFromMiddle(root, 'resume', config, 10);
    const ranks = saved.ranks!;
    expect(ranks).toHaveLength(3);
    expect(relativeDifference(ranks[0]!.strategy!.chocoPublic!, ranks[1]!.strategy!.chocoPublic!)).toBeGreaterThan(0);
    expect(resumed).toEqual(whole);
  });

  it('refuses a compressor with its own residual and a bad consensus step, naming them', async () => {
    const refused = (strategy: Record<string, unknown>) =>
      runDataParallel({ config: gossipConfig(join(root, 'bad'), 4, 'virtual', 4, { type: 'choco-sgd', ...strategy }), metrics: new MetricsStream() }).then(
        () => 'ran',
        (error: Error) => error.message,
      );
    const why = 'cannot run under choco-sgd (its public copies already keep the compression error)';
    expect(await refused({ compression: { type: 'topk', ratio: 0.1, errorFeedback: true } })).toBe(`compression errorFeedback ${why}`);
    expect(await refused({ compression: { type: 'powersgd', rank: 1 } })).toBe(`compression powersgd, which keeps its own residual, momentum or all-reduce rounds, ${why}`);
    expect(await refused({ consensusStepSize: 0, compression: { type: 'fp16' } })).toBe('config key strategy.consensusStepSize = 0 is invalid: expected a step size in (0, 1]');
    expect(await refused({})).toMatch(/^config key strategy\.compression/);
  });
});
