/**
 * Byzantine-robust data parallelism end to end on the real runtime: DRACO returns the honest
 * gradient bitwise (its run equals plain DDP on the same global batches, bit for bit, with one
 * attacker in every group), the same robust run gives the same bits over the virtual and the
 * threads transports, plain averaging collapses under an attack that a median shrugs off, and bad
 * robust configs are refused before any worker starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/load.js';
import type { LoomConfig } from '../../config/schema.js';
import { loadCheckpoint } from '../../train/checkpoint.js';
import { MetricsStream } from '../../train/metrics.js';
import { runDataParallel } from '../launch/index.js';
import { smallDdpConfig } from '../test-support/ddp-config.js';

const root = mkdtempSync(join(tmpdir(), 'loom-robust-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let runs = 0;
async function train(config: LoomConfig): Promise<{ params: Float32Array; accuracy: number }> {
  const results = await runDataParallel({ config, metrics: new MetricsStream() });
  return { params: loadCheckpoint(join(config.output.dir!, 'checkpoint.ckpt')).params, accuracy: results[0]!.evaluation!.accuracy };
}

function robustConfig(workers: number, mode: string, robust: Record<string, unknown>, overrides: { steps?: number; batchSize?: number } = {}): LoomConfig {
  const base = smallDdpConfig(join(root, `run-${runs++}`), { workers, mode, steps: overrides.steps ?? 8, batchSize: overrides.batchSize ?? 24 });
  return validateConfig({ ...base, robust });
}

const sameBits = (a: Float32Array, b: Float32Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('DRACO', () => {
  it('with r = 3 and one Byzantine worker per group follows plain DDP bit for bit', async () => {
    const ddp = await train(validateConfig({ ...smallDdpConfig(join(root, 'ddp-2'), { workers: 2, mode: 'virtual', steps: 8, batchSize: 24 }) }));
    for (const attack of ['sign-flipping', 'nan', 'alie']) {
      const draco = await train(
        robustConfig(6, 'virtual', { redundancy: { type: 'draco', r: 3 }, byzantine: { count: 2, ranks: [1, 5], attack: { type: attack } } }),
      );
      expect(sameBits(draco.params, ddp.params), attack).toBe(true);
    }
  });

  it('does the same over the threads transport', async () => {
    const ddp = await train(validateConfig({ ...smallDdpConfig(join(root, 'ddp-2t'), { workers: 2, mode: 'virtual', steps: 4, batchSize: 24 }) }));
    const draco = await train(robustConfig(6, 'threads', { redundancy: { type: 'draco', r: 3 }, byzantine: { count: 2, ranks: [2, 3], attack: { type: 'gaussian', sigma: 10 } } }, { steps: 4 }));
    expect(sameBits(draco.params, ddp.params)).toBe(true);
  });
});

describe('a robust aggregating server', () => {
  it('gives the same bits over the virtual and the threads transports (omniscient ALIE against NNM + trimmed mean)', async () => {
    const robust = { aggregator: { type: 'trimmed-mean' }, preAggregators: [{ type: 'nnm' }], byzantine: { count: 1, attack: { type: 'alie' } } };
    const virtual = await train(robustConfig(4, 'virtual', robust));
    const threads = await train(robustConfig(4, 'threads', robust));
    expect(sameBits(virtual.params, threads.params)).toBe(true);
    // Non-omniscient: two attackers pool their own gradients (the leader collects the other's).
    const own = { ...robust, workerMomentum: 0.9, byzantine: { count: 2, omniscient: false, attack: { type: 'alie' } } };
    expect(sameBits((await train(robustConfig(6, 'virtual', own))).params, (await train(robustConfig(6, 'threads', own))).params)).toBe(true);
  });

  it('lets optimal IPM wreck plain averaging while the median keeps learning', async () => {
    const attack = { count: 3, attack: { type: 'optimal-ipm' } };
    // Averaging either diverges outright (the loss turns NaN) or ends near chance.
    const averaged = await train(robustConfig(8, 'virtual', { aggregator: { type: 'average' }, f: 3, byzantine: attack }, { steps: 60, batchSize: 80 })).catch((error: Error) => {
      expect(error.message).toMatch(/training diverged at step \d+: loss is NaN/);
      return { accuracy: 0 };
    });
    const median = await train(robustConfig(8, 'virtual', { aggregator: { type: 'median' }, byzantine: attack }, { steps: 60, batchSize: 80 }));
    const clean = await train(robustConfig(8, 'virtual', { aggregator: { type: 'median' }, f: 3 }, { steps: 60, batchSize: 80 }));
    expect(clean.accuracy).toBeGreaterThan(0.8);
    expect(median.accuracy).toBeGreaterThan(0.8);
    expect(averaged.accuracy).toBeLessThan(0.5);
  });

  it('refuses robust configs it cannot run, naming the cause', async () => {
    const refused = (workers: number, robust: Record<string, unknown>, batchSize = 24) =>
      runDataParallel({ config: robustConfig(workers, 'virtual', robust, { batchSize }), metrics: new MetricsStream() });
    await expect(refused(6, { aggregator: { type: 'krum' }, byzantine: { count: 2 } })).rejects.toThrow('robust.aggregator: krum needs n > 2f + 2; got n = 6, f = 2');
    await expect(refused(4, { aggregator: { type: 'median' }, byzantine: { count: 1, ranks: [0] } })).rejects.toThrow(/rank 0 hosts the aggregating server/);
    await expect(refused(5, { aggregator: { type: 'median' } })).rejects.toThrow(/train.batchSize 24 must be a multiple of distributed.workers \(5\)/);
    await expect(refused(4, { aggregator: { type: 'krum', neighbors: 2 } })).rejects.toThrow('robust.aggregator: aggregator krum has no option "neighbors" (options: neighbours)');
    await expect(refused(4, { aggregator: { type: 'median' }, byzantine: { count: 1, attack: { type: 'alie', z: 'x' } } })).rejects.toThrow('robust.byzantine.attack: alie: z must be a finite number; got x');
    await expect(refused(4, { redundancy: { type: 'draco', r: 3 } })).rejects.toThrow('robust.redundancy: draco needs n a multiple of r; got n = 4, r = 3');
    expect(() => validateConfig({ ...smallDdpConfig(root), robust: { byzantine: { count: 1 } } })).toThrow(/give exactly one of robust.aggregator and robust.redundancy/);
  });
});
