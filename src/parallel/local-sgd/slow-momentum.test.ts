/**
 * SlowMo's outer step against a hand computation; beta = 0 and alpha = 1 leave local SGD as it is
 * (bit for bit, on the real runtime); a run with slow momentum checkpointed between averages
 * resumes exactly (the slow buffers travel in the checkpoint).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsStream } from '../../train/metrics.js';
import { runDataParallel } from '../launch/index.js';
import { checkpointParams, relativeDifference, resumeFromMiddle, strategyConfig } from '../test-support/ddp-config.js';
import { SlowMomentum } from './slow-momentum.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loom-slowmo-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('slow momentum (SlowMo)', () => {
  it('takes the outer step u <- beta u + (x0 - x) / lr, x0 <- x0 - alpha lr u', () => {
    const slow = new SlowMomentum({ beta: 0.5, alpha: 2 }, new Float32Array([1, 1]), null);
    const x = new Float32Array([0.8, 1.2]); // the average after the first period, lr 0.1: u = (2, -2)
    slow.step(x, 0.1);
    expect(x[0]).toBeCloseTo(1 - 2 * 0.1 * 2, 6); // (0.6, 1.4)
    expect(x[1]).toBeCloseTo(1 + 2 * 0.1 * 2, 6);
    const y = new Float32Array([0.5, 1.4]); // u = 0.5 (2, -2) + (0.1, 0) / 0.1 = (2, -1)
    slow.step(y, 0.1);
    expect(y[0]).toBeCloseTo(0.6 - 2 * 0.1 * 2, 6);
    expect(y[1]).toBeCloseTo(1.4 + 2 * 0.1 * 1, 6);
    const state = slow.state();
    expect(Array.from(state.slowAnchor!)).toEqual(Array.from(y));
  });

  it('with beta = 0 and alpha = 1 is plain local SGD (virtual, 4 workers)', async () => {
    const run = async (name: string, extra: Record<string, unknown>) => {
      const dir = join(root, name);
      await runDataParallel({ config: strategyConfig(dir, { workers: 4, mode: 'virtual', steps: 20 }, { type: 'local-sgd', period: 4, switchStep: 2, ...extra }), metrics: new MetricsStream() });
      return checkpointParams(dir);
    };
    const plain = await run('plain', {});
    const slow = await run('slow-zero', { slowMomentum: { beta: 0, alpha: 1 } });
    expect(relativeDifference(slow, plain)).toBeLessThan(1e-6);
    const moving = await run('slow', { slowMomentum: { beta: 0.5, alpha: 0.5 } });
    expect(relativeDifference(moving, plain)).toBeGreaterThan(1e-4);
  });

  it('resumes exactly from a checkpoint between averages', async () => {
    const config = (dir: string) =>
      strategyConfig(dir, { workers: 3, mode: 'virtual', steps: 20 }, { type: 'local-sgd', period: 4, slowMomentum: { beta: 0.6 } }, { output: { dir, checkpointEvery: 9 } });
    const { saved, whole, resumed } = await resumeFromMiddle(root, 'slowmo', config, 9);
    expect(saved.ranks![0]!.strategy!.slowBuffer!.some((v) => v !== 0)).toBe(true);
    expect(resumed).toEqual(whole);
  });
});
