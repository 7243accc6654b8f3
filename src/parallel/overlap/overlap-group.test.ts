import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/load.js';
import { MetricsStream } from '../../train/metrics.js';
import type { TrainResult } from '../../train/trainer.js';
import { runDataParallel } from '../launch/run-data-parallel.js';
import { checkpointParams, relativeDifference, strategyConfig } from '../test-support/ddp-config.js';
import { parseTimeline, type TimelineEvent } from './timeline.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loom-overlap-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * A CNN whose convolutions (input side) hold most of the FLOPs and whose dense layer (output side)
 * most of the parameters, as in the models TicTac and ByteScheduler were measured on; 4 virtual
 * workers at a stated 30 GFLOP/s each, 4 Gbit/s and 50 us per message.
 */
function cnnConfig(dir: string, overlap: Record<string, unknown> | null, steps = 4, timelineSteps = 0) {
  return validateConfig({
    seed: 3,
    data: { name: 'fashion-mnist-subset' },
    model: { type: 'cnn', channels: [16, 32], hidden: [256] },
    optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 },
    train: { steps, batchSize: 64, logEvery: steps, evalEvery: steps, evalLimit: 64 },
    output: { dir },
    distributed: { mode: 'virtual', workers: 4, computeGflops: 30, network: { latencyUs: 50, bandwidthGbps: 4 }, timeoutSec: 30 },
    strategy: { type: 'ddp', timelineSteps, ...(overlap ? { overlap } : {}) },
  });
}

async function run(name: string, config: (dir: string) => ReturnType<typeof validateConfig>): Promise<{ result: TrainResult; params: Float32Array; dir: string }> {
  const dir = join(root, name);
  const [result] = await runDataParallel({ config: config(dir), metrics: new MetricsStream() });
  return { result: result!, params: checkpointParams(dir), dir };
}

const timelineOf = (dir: string): TimelineEvent[] => parseTimeline(readFileSync(join(dir, 'timeline.json'), 'utf8'), 'timeline.json');

describe('DDP with overlapped communication (virtual mode)', () => {
  it('trains to the parameters of plain DDP, FIFO or by priority', async () => {
    const steps = { workers: 4, mode: 'virtual', steps: 8 };
    const plain = await run('plain', (dir) => strategyConfig(dir, steps, { type: 'ddp' }));
    for (const overlap of [{ schedule: 'fifo' }, { schedule: 'priority', partitionKB: 0.25 }, { schedule: 'fifo', merge: 'mg-wfbp' }]) {
      const overlapped = await run(`mlp-${overlap.schedule}-${overlap.merge ?? ''}`, (dir) => strategyConfig(dir, steps, { type: 'ddp', overlap }));
      expect(relativeDifference(overlapped.params, plain.params)).toBeLessThan(1e-5);
      expect(overlapped.result.finalLoss).toBeCloseTo(plain.result.finalLoss, 5);
    }
  });

  it("the timeline shows units all-reduced while backward runs, and the next forward waiting only for its layers' units", async () => {
    const { dir } = await run('timeline', (d) => cnnConfig(d, { schedule: 'priority', partitionKB: 64 }, 4, 3));
    const events = timelineOf(dir).filter((e) => e.step === 1);
    const backwardEnd = Math.max(...events.filter((e) => e.name.startsWith('backward')).map((e) => e.end));
    const reduces = events.filter((e) => e.lane === 'comm');
    expect(reduces.length).toBeGreaterThan(3);
    expect(reduces.filter((e) => e.start < backwardEnd).length).toBeGreaterThan(0);
    // Priority: conv1's unit, ready last, goes before the fc1 partitions still queued.
    const reducedAt = (layer: string) => reduces.find((e) => e.name.endsWith(`(${layer})`))!.end;
    const lastEnd = Math.max(...reduces.map((e) => e.end));
    expect(reduces.at(-1)!.name).toMatch(/\(fc1\)$/);
    expect(reducedAt('conv1')).toBeLessThan(lastEnd);
    // Step 2's forward of conv1 starts while fc1's partitions still travel.
    const next = timelineOf(dir).find((e) => e.step === 2 && e.name === 'forward conv1')!;
    expect(next.start).toBeLessThan(lastEnd);
    expect(next.start).toBeGreaterThanOrEqual(reducedAt('conv1'));
  });

  it('priority scheduling beats FIFO of the same partitions, and both beat DDP without overlap, in simulated samples/s', async () => {
    const throughput = async (name: string, overlap: Record<string, unknown> | null) => {
      const { result } = await run(name, (dir) => cnnConfig(dir, overlap, 6));
      return result.samplesPerSec;
    };
    const plain = await throughput('cnn-plain', null);
    const fifo = await throughput('cnn-fifo', { schedule: 'fifo', partitionKB: 64 });
    const priority = await throughput('cnn-priority', { schedule: 'priority', partitionKB: 64 });
    expect(fifo).toBeGreaterThan(plain);
    expect(priority).toBeGreaterThan(fifo * 1.05);
  });

  it("plain DDP on real threads: the timeline shows each layer's backward as measured, and every bucket reduced after the compute ends", async () => {
    const { dir } = await run('threads-timeline', (d) => strategyConfig(d, { workers: 2, mode: 'threads', steps: 4 }, { type: 'ddp', timelineSteps: 2 }));
    const events = timelineOf(dir);
    expect(new Set(events.map((e) => e.step))).toEqual(new Set([0, 1]));
    for (const step of [0, 1]) {
      const compute = events.filter((e) => e.step === step && e.lane === 'compute');
      const reduces = events.filter((e) => e.step === step && e.lane === 'comm');
      // The MLP 12-16-16-4: fc3 first (with the forward and the loss), then fc2 and fc1, in order.
      expect(compute.map((e) => e.name).filter((n) => n !== 'end of backward')).toEqual(['forward, loss, backward fc3', 'backward fc2', 'backward fc1']);
      compute.slice(1).forEach((e, k) => expect(e.start).toBeCloseTo(compute[k]!.end, 9));
      expect(reduces.length).toBeGreaterThan(0);
      const computeEnd = Math.max(...compute.map((e) => e.end));
      for (const r of reduces) expect(r.start).toBeGreaterThanOrEqual(computeEnd);
    }
  });

  it('a run shorter than its timeline steps still writes the steps it took', async () => {
    const { dir } = await run('short-timeline', (d) => strategyConfig(d, { workers: 2, mode: 'virtual', steps: 3 }, { type: 'ddp', timelineSteps: 10 }));
    expect([...new Set(timelineOf(dir).map((e) => e.step))]).toEqual([0, 1, 2]);
  });

  it('refuses overlap outside virtual mode, with compression, or with a timeline and no output dir', async () => {
    const refused = (strategy: Record<string, unknown>, mode = 'virtual', extra: Record<string, unknown> = {}) =>
      runDataParallel({ config: strategyConfig(join(root, 'bad'), { workers: 2, mode, steps: 2 }, strategy, extra), metrics: new MetricsStream() }).then(
        () => 'ran',
        (error: Error) => error.message,
      );
    expect(await refused({ type: 'ddp', overlap: {} }, 'threads')).toBe(
      'strategy.overlap runs in distributed.mode virtual only, got threads: on real transports the all-reduces would need a communication thread of their own',
    );
    expect(await refused({ type: 'ddp', overlap: {}, compression: { type: 'fp16' } })).toBe('strategy.overlap and strategy.compression cannot be combined yet: choose one');
    expect(await refused({ type: 'ddp', timelineSteps: 2 }, 'virtual', { output: {} })).toBe('strategy.timelineSteps writes output.dir/timeline.json: set output.dir');
    expect(await refused({ type: 'ddp', timelineSteps: 2, compression: { type: 'fp16' } })).toBe('strategy.timelineSteps records plain or overlapped DDP, not compressed or robust steps');
    expect(await refused({ type: 'ddp', overlap: { partitionKB: 64, merge: 'optimal' } })).toBe('strategy.overlap: give partitionKB (64) or merge (optimal), not both');
    expect(await refused({ type: 'ddp', overlap: { schedule: 'lifo' } })).toMatch(/^config key strategy\.overlap\.schedule = "lifo" is invalid/);
    expect(await refused({ type: 'ddp', overlap: { partitionKB: 0 } })).toMatch(/^config key strategy\.overlap\.partitionKB = 0 is invalid/);
  });
});
