/**
 * Virtual mode at a scale this machine has no cores for: 64 logical workers, each computing real
 * gradients of the MLP on real Fashion-MNIST images, on a simulated 10 Gb/s network. The simulated
 * ring all-reduce of each step must cost what the alpha-beta model says:
 * 2(p-1) alpha + 2 ((p-1)/p) n beta.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/load.js';
import { MetricsStream, type StepRecord } from '../../train/metrics.js';
import { networkCost, networkMessageCost, trainVirtual } from './index.js';

describe('virtual mode', () => {
  it('trains the MLP with 64 virtual workers and charges the ring all-reduce its alpha-beta time (within 5%)', async () => {
    const p = 64;
    const config = validateConfig({
      seed: 3,
      data: { name: 'fashion-mnist-subset' },
      model: { type: 'mlp', hidden: [256, 256] },
      optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 },
      train: { steps: 16, batchSize: 8 * p, logEvery: 4, evalEvery: 16, evalLimit: 640 },
      distributed: { workers: p, mode: 'virtual', allreduce: 'ring', bucketMB: 64, firstBucketMB: 64, network: { latencyUs: 20, bandwidthGbps: 10 } },
    });
    const metrics = new MetricsStream();
    const steps: StepRecord[] = [];
    metrics.on('step', (r) => steps.push(r));
    const results = await trainVirtual({ config, metrics });

    expect(results).toHaveLength(p);
    expect(steps).toHaveLength(16);
    expect(steps[15].loss).toBeLessThan(steps[0].loss);
    expect(results[0].evaluation!.accuracy).toBeGreaterThan(0.5);

    const n = 269_322 * 4; // the MLP's gradient in bytes, one bucket
    const { alpha, beta } = networkCost(config.distributed.network);
    const predicted = 2 * (p - 1) * alpha + 2 * ((p - 1) / p) * n * beta;
    // From the second step on: the first one's sync also waits out the start-up parameter broadcast.
    for (const record of steps.slice(1)) {
      expect(record.timing!.simulated).toBe(true);
      expect(Math.abs(record.timing!.commSec - predicted) / predicted).toBeLessThan(0.05);
    }
  });

  it('models nodes: links between nodes get the interNode latency and bandwidth; ranksPerNode alone is refused', () => {
    const cost = networkMessageCost({ latencyUs: 1, bandwidthGbps: 100, ranksPerNode: 8, interNode: { latencyUs: 10, bandwidthGbps: 10 } });
    expect(cost(0, 7, 1e6)).toBeCloseTo(1e-6 + 8e-5, 12);
    expect(cost(7, 8, 1e6)).toBeCloseTo(1e-5 + 8e-4, 12);
    expect(() => networkMessageCost({ latencyUs: 1, bandwidthGbps: 100, ranksPerNode: 8 })).toThrow(/ranksPerNode needs distributed\.network\.interNode/);
  });
});
