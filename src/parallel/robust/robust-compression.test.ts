/**
 * Compression in front of a robust server: a lossless compressor changes nothing, bit for bit;
 * top-k with error feedback keeps a median learning under an attack while each worker sends a
 * fraction of the bytes; every rank's residual (and worker momentum) is checkpointed and resumes
 * exactly; compressors that need an all-reduce, and compression under DRACO, are refused before
 * any worker starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/load.js';
import type { LoomConfig } from '../../config/schema.js';
import { loadCheckpoint } from '../../train/checkpoint.js';
import { MetricsStream, type StepRecord } from '../../train/metrics.js';
import { runDataParallel } from '../launch/index.js';
import { resumeFromMiddle, smallDdpConfig } from '../test-support/ddp-config.js';

const root = mkdtempSync(join(tmpdir(), 'loom-robust-compression-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let runs = 0;
function robustConfig(dir: string, robust: Record<string, unknown>, compression: Record<string, unknown> | null, steps = 8, batchSize = 24, extra: Record<string, unknown> = {}): LoomConfig {
  const base = smallDdpConfig(dir, { workers: 4, mode: 'virtual', steps, batchSize });
  return validateConfig({ ...base, ...extra, robust, strategy: { type: 'ddp', ...(compression ? { compression } : {}) } });
}

async function train(config: LoomConfig) {
  const metrics = new MetricsStream();
  let bytes = 0;
  metrics.on('step', (r: StepRecord) => (bytes += r.timing?.bytesReceived ?? 0)); // the server's: the workers' uploads
  const results = await runDataParallel({ config, metrics });
  return { params: loadCheckpoint(join(config.output.dir!, 'checkpoint.ckpt')).params, accuracy: results[0]!.evaluation!.accuracy, bytes };
}
const dir = () => join(root, `run-${runs++}`);
const median = { aggregator: { type: 'median' }, byzantine: { count: 1, attack: { type: 'sign-flipping' } } };

describe('compression in front of a robust server', () => {
  it('a lossless top-k gives the uncompressed run bit for bit', async () => {
    const plain = await train(robustConfig(dir(), median, null));
    const lossless = await train(robustConfig(dir(), median, { type: 'topk', ratio: 1 }));
    expect(Buffer.from(lossless.params.buffer).equals(Buffer.from(plain.params.buffer))).toBe(true);
  });

  it('top-k 10% with error feedback keeps the median learning under attack, sending a fraction of the bytes', async () => {
    const plain = await train(robustConfig(dir(), median, null, 60, 80));
    const sparse = await train(robustConfig(dir(), median, { type: 'topk', ratio: 0.1, errorFeedback: true }, 60, 80));
    expect(sparse.accuracy).toBeGreaterThan(0.8);
    // 10% of the values, each with its int32 index: 5x fewer upload bytes, less headers and the step's scalars.
    expect(plain.bytes / sparse.bytes).toBeGreaterThan(3.5);
  });

  it('checkpoints every rank residual and resumes exactly', async () => {
    const config = (d: string) => robustConfig(d, median, { type: 'topk', ratio: 0.1, errorFeedback: true }, 12, 24, { output: { dir: d, checkpointEvery: 6 } });
    const { saved, whole, resumed } = await resumeFromMiddle(root, 'resume', config, 6);
    expect(saved.ranks).toHaveLength(4);
    expect(saved.ranks![2]!.strategy!.compressor!.some((v) => v !== 0)).toBe(true);
    expect(resumed).toEqual(whole);
  });

  it('checkpoints every rank worker momentum and resumes exactly (no compression)', async () => {
    const withMomentum = { ...median, workerMomentum: 0.9 };
    const config = (d: string) => robustConfig(d, withMomentum, null, 12, 24, { output: { dir: d, checkpointEvery: 6 } });
    const { saved, whole, resumed } = await resumeFromMiddle(root, 'momentum', config, 6);
    expect(saved.ranks![1]!.strategy!.workerMomentum!.length).toBe(whole.length);
    expect(resumed).toEqual(whole);
  });

  it('refuses a compressor that needs an all-reduce, and compression under DRACO', async () => {
    const refused = (robust: Record<string, unknown>, compression: Record<string, unknown>, workers = 4) =>
      runDataParallel({ config: validateConfig({ ...smallDdpConfig(dir(), { workers, mode: 'virtual', steps: 2, batchSize: 24 }), robust, strategy: { type: 'ddp', compression } }), metrics: new MetricsStream() });
    await expect(refused(median, { type: 'powersgd', rank: 1 })).rejects.toThrow(
      'config key strategy.compression.type = "powersgd" is invalid for robust aggregation: its encodings can only be summed inside an all-reduce, and the robust server decodes each push on its own',
    );
    await expect(refused({ redundancy: { type: 'draco', r: 3 } }, { type: 'fp16' }, 6)).rejects.toThrow(/cannot run with robust.redundancy: DRACO's majority vote compares/);
  });
});
