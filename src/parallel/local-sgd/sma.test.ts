/**
 * Synchronous model averaging: the central model's update and one step of two learners against
 * hand-computed values; training over the real runtime; a checkpoint between evaluations holds the
 * central model (strategy buffers) and every learner's model, and resumes exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Communicator, VirtualWorld } from '../../comm/index.js';
import { resumeFromMiddle, strategyConfig } from '../test-support/ddp-config.js';
import { SmaGroup, updateCentralModel } from './sma-group.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loom-sma-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('synchronous model averaging', () => {
  it('moves the central model by the corrections plus momentum', () => {
    const z = Float32Array.of(1, 2);
    const zPrev = Float32Array.of(0.5, 2);
    updateCentralModel(z, zPrev, Float32Array.of(0.25, -1), 0.5);
    expect(Array.from(z)).toEqual([1 + 0.25 + 0.5 * 0.5, 2 - 1]);
    expect(Array.from(zPrev)).toEqual([1, 2]);
  });

  it('one step of two learners: each pulled by alpha (w - z) taken at the model its gradient saw', async () => {
    const world = new VirtualWorld(2);
    const start = Float32Array.of(0, 0);
    const groups = [0, 1].map((rank) => new SmaGroup(new Communicator(world.transport(rank)), { buckets: [] }, { alpha: 0.5, momentum: 0.5 }, start, null));
    // Learners at w0 = (2, 0) and w1 = (0, 4) when their gradients are taken; z = (0, 0).
    const w = [Float32Array.of(2, 0), Float32Array.of(0, 4)];
    groups.forEach((g, r) => g.beforeStep(w[r]!));
    w[0]!.set([1, 0]); // the local steps: w0 - lr g0 = (1, 0), w1 - lr g1 = (0, 3)
    w[1]!.set([0, 3]);
    const at = { evaluates: false, last: false, lr: 0.1 };
    await Promise.all(groups.map((g, r) => g.afterStep(w[r]!, 1, new Float32Array(2), at)));
    // c0 = 0.5 (2, 0) = (1, 0), c1 = 0.5 (0, 4) = (0, 2): w0 = (0, 0), w1 = (0, 1); z = (1, 2).
    expect(Array.from(w[0]!)).toEqual([0, 0]);
    expect(Array.from(w[1]!)).toEqual([0, 1]);
    // At the last step the learners take z.
    groups.forEach((g, r) => g.beforeStep(w[r]!));
    await Promise.all(groups.map((g, r) => g.afterStep(w[r]!, 2, new Float32Array(2), { evaluates: false, last: true, lr: 0.1 })));
    // c0 = 0.5 ((0,0) - (1,2)) = (-0.5, -1), c1 = 0.5 ((0,1) - (1,2)) = (-0.5, -0.5); z = (1,2) + (-1,-1.5) + 0.5 ((1,2) - (0,0)) = (0.5, 1.5).
    expect(Array.from(w[0]!)).toEqual([0.5, 1.5]);
    expect(Array.from(w[1]!)).toEqual([0.5, 1.5]);
  });

  it('trains 4 workers, and a checkpoint between evaluations resumes exactly (central model included)', async () => {
    const config = (dir: string) => strategyConfig(dir, { workers: 4, mode: 'virtual', steps: 40 }, { type: 'sma' }, { output: { dir, checkpointEvery: 5 } });
    const { saved, whole, resumed, results } = await resumeFromMiddle(root, 'sma', config, 15);
    expect(results[0]!.evaluation!.accuracy).toBeGreaterThan(0.8);
    expect(saved.ranks).toHaveLength(4);
    expect(Object.keys(saved.ranks![0]!.strategy ?? {}).sort()).toEqual(['z', 'zPrev']);
    expect(resumed).toEqual(whole);
  });
});
