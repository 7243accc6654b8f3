/**
 * Straggler injection on the virtual clock: with compute charged from FLOPs and a network that
 * costs next to nothing, synchronous data parallelism's step takes the slowest rank's compute: 3T
 * with one rank 3x slower for good, and with each step of each of 4 ranks 3x slower with
 * probability 0.1, 1 - 0.9^4 of the steps take 3T: a mean of 1.688T.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/load.js';
import { MetricsStream, type StepRecord } from '../train/metrics.js';
import { runDataParallel } from './launch/index.js';
import { slowdownOf } from './stragglers.js';

function config(steps: number, stragglers?: Record<string, unknown>, strategy?: Record<string, unknown>) {
  return validateConfig({
    seed: 3,
    backend: 'cpu',
    data: { name: 'blobs', classes: 4, dims: 12, trainSize: 4000, testSize: 40, seed: 5 },
    model: { type: 'logreg' },
    optimizer: { type: 'sgd', lr: 0.1 },
    train: { steps, batchSize: 40, logEvery: 1_000_000, evalEvery: 1_000_000 },
    distributed: {
      workers: 4,
      mode: 'virtual',
      computeGflops: 0.001,
      network: { latencyUs: 0, bandwidthGbps: 1e6 },
      ...(stragglers ? { stragglers } : {}),
    },
    ...(strategy ? { strategy } : {}),
  });
}

/** Mean simulated seconds per step after the first (which also waits out the start-up). */
async function meanStep(steps: number, stragglers?: Record<string, unknown>, strategy?: Record<string, unknown>): Promise<number> {
  const metrics = new MetricsStream();
  const records: StepRecord[] = [];
  metrics.on('step', (r) => records.push(r));
  await runDataParallel({ config: config(steps, stragglers, strategy), metrics });
  return (records.at(-1)!.elapsedSec - records[0]!.elapsedSec) / (records.length - 1);
}

const ps = (extra: Record<string, unknown> = {}) => ({ type: 'ps', servers: 1, ...extra });

describe('stragglers', () => {
  it('draw slow steps with the given probability, the same for the same seed, rank and step', () => {
    const spec = { ranks: [2], probability: 0.1, slowdown: 3, seed: 4 };
    const draws = Array.from({ length: 20_000 }, (_, i) => slowdownOf(spec, 0, i));
    expect(draws.filter((f) => f === 3).length / draws.length).toBeCloseTo(0.1, 2);
    expect(slowdownOf(spec, 0, 17)).toBe(draws[17]);
    expect(slowdownOf(spec, 2, 0) % 3).toBe(0); // rank 2 is slow for good (3 or 9)
  });

  it('DDP in virtual mode: one rank 3x slower for good makes every step 3T', async () => {
    const T = await meanStep(40);
    expect(T).toBeGreaterThan(0);
    const slow = await meanStep(40, { ranks: [3] });
    expect(Math.abs(slow / T - 3) / 3).toBeLessThan(0.02);
  });

  it('DDP in virtual mode: steps 3x slow with p = 0.1 on 4 ranks average 1.688T', async () => {
    const T = await meanStep(40);
    const transient = await meanStep(2000, { probability: 0.1 });
    expect(Math.abs(transient / T - 1.688) / 1.688).toBeLessThan(0.03);
  });

  it('the parameter server under BSP: 3T with one rank 3x slower, T with one backup worker', async () => {
    const T = await meanStep(40, undefined, ps());
    const slow = await meanStep(40, { ranks: [3] }, ps());
    const backup = await meanStep(40, { ranks: [3] }, ps({ backupWorkers: 1 }));
    expect(Math.abs(slow / T - 3) / 3).toBeLessThan(0.02);
    expect(Math.abs(backup / T - 1)).toBeLessThan(0.02);
  });

  it('backup workers over threads: with a really sleeping straggler every rank ends at the last step', async () => {
    const metrics = new MetricsStream();
    const cfg = validateConfig({ ...config(30, { ranks: [2], slowdown: 20 }, ps({ backupWorkers: 1 })), distributed: { workers: 3, mode: 'threads', stragglers: { ranks: [2], slowdown: 20 } } });
    const results = await runDataParallel({ config: cfg, metrics });
    expect(results.map((r) => r.steps)).toEqual([30, 30, 30, 30]);
  });

  it('the parameter server under ASP: steps 3x slow with p = 0.1 average 1.2T per worker step', async () => {
    const T = await meanStep(40, undefined, ps());
    const asp = await meanStep(2000, { probability: 0.1 }, ps({ consistency: 'asp' }));
    expect(Math.abs(asp / T - 1.2) / 1.2).toBeLessThan(0.03);
  });

  it('gradient coding (s = 1): 2T with one rank 3x slower, for both codes', async () => {
    const T = await meanStep(40, undefined, ps());
    for (const scheme of ['fractional-repetition', 'cyclic']) {
      const coded = await meanStep(40, { ranks: [3] }, ps({ gradientCoding: { scheme, s: 1 } }));
      expect(Math.abs(coded / T - 2) / 2, scheme).toBeLessThan(0.02);
    }
  });
});
