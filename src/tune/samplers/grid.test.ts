import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createSampler } from '../registry.js';
import { runTuneFile } from '../run-tune-file.js';
import { categoricalDistribution, floatDistribution, intDistribution } from '../space/distribution.js';
import { buildSearchSpace, searchSpaceSchema, suggestSpace } from '../space/search-space.js';
import { memoryJournal } from '../study/journal.js';
import { Study } from '../study/study.js';
import type { TrialHandle } from '../study/trial-handle.js';
import { parseTuneFile } from '../tune-file.js';
import { gridAxis, gridFromSpace, GridSampler } from './grid.js';

const spaceOf = (raw: z.input<typeof searchSpaceSchema>) => buildSearchSpace(searchSpaceSchema.parse(raw));

const branin = { x1: [-5, 0, 5], x2: [0, 7.5, 15] };
/** Every point of `branin`, first parameter slowest. */
const braninPoints = [-5, 0, 5].flatMap((x1) => [0, 7.5, 15].map((x2) => ({ x1, x2 })));

const suggestBranin = (t: TrialHandle): number => {
  const x1 = t.suggestFloat('x1', -5, 10);
  const x2 = t.suggestFloat('x2', 0, 15);
  return x1 + x2;
};

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loom-tune-grid-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('GridSampler', () => {
  it('orders the points with the first parameter varying slowest', () => {
    const grid = new GridSampler({ grid: branin });
    expect(grid.size).toBe(9);
    expect(Array.from({ length: 9 }, (_, k) => grid.point(k))).toEqual(braninPoints);
    const mixed = new GridSampler({ grid: { a: ['x', 'y'], b: [1, 2, 3], c: [true, false] } });
    expect(mixed.size).toBe(12);
    expect(mixed.point(0)).toEqual({ a: 'x', b: 1, c: true });
    expect(mixed.point(7)).toEqual({ a: 'y', b: 1, c: false }); // 7 = 1·6 + 0·2 + 1
    expect(mixed.point(11)).toEqual({ a: 'y', b: 3, c: false });
  });

  it('gives trial k point k, every point once, and then stops the study', async () => {
    const study = await Study.open({ sampler: new GridSampler({ grid: branin }) });
    await study.optimize(suggestBranin, { trials: 100 });
    const trials = study.trials();
    expect(trials).toHaveLength(9);
    expect(trials.map((t) => t.params)).toEqual(braninPoints);
    expect(trials.every((t) => t.state === 'complete')).toBe(true);
    expect(await study.ask()).toBeNull();
    // maxTrials below the grid's size still ends the search first.
    const short = await Study.open({ sampler: new GridSampler({ grid: branin }) });
    await short.optimize(suggestBranin, { trials: 4 });
    expect(short.trials().map((t) => t.params)).toEqual(braninPoints.slice(0, 4));
  });

  it('with shuffle takes every point once in an order fixed by the seed, shared by parallel tuners', async () => {
    const key = (p: Record<string, unknown>): string => JSON.stringify(p);
    const run = async (seed: number, tuners = 1) => {
      const journal = memoryJournal();
      const studies = await Promise.all(
        Array.from({ length: tuners }, (_, i) => Study.open({ sampler: new GridSampler({ grid: branin, shuffle: true, seed }), backend: journal, worker: `w${i}` })),
      );
      await Promise.all(studies.map((s) => s.optimize(suggestBranin, { trials: 100 })));
      await studies[0].refresh();
      return studies[0].trials().map((t) => t.params);
    };
    const one = await run(7);
    expect(one).toHaveLength(9);
    expect(new Set(one.map(key))).toEqual(new Set(braninPoints.map(key)));
    expect(one).not.toEqual(braninPoints);
    expect(await run(7, 2)).toEqual(one);
    expect(await run(8)).not.toEqual(one);
    // The first three points of a shuffled 3 x 3 grid are not all on one value of x1, as in grid order.
    const first = (points: readonly Record<string, unknown>[]) => new Set(points.slice(0, 3).map((p) => p.x1)).size;
    expect(first(braninPoints)).toBe(1);
    expect(Math.max(first(one), first(await run(8)), first(await run(9)))).toBeGreaterThan(1);
  });

  it('refuses to shuffle a grid too large to hold its permutation', () => {
    const axis = Array.from({ length: 4097 }, (_, i) => i);
    expect(() => new GridSampler({ grid: { a: axis, b: axis }, shuffle: true })).toThrow(/^sampler \(grid\): shuffle holds at most 16777216 points, the grid has 16785409$/);
    expect(new GridSampler({ grid: { a: axis, b: axis } }).size).toBe(16785409);
  });

  it('gives parallel tuners on one journal different points', async () => {
    const journal = memoryJournal();
    const a = await Study.open({ sampler: new GridSampler({ grid: branin }), backend: journal, worker: 'a' });
    const b = await Study.open({ sampler: new GridSampler({ grid: branin }), backend: journal, worker: 'b' });
    const slow = async (t: TrialHandle): Promise<number> => {
      const value = suggestBranin(t);
      await new Promise((r) => setTimeout(r, 2));
      return value;
    };
    await Promise.all([a.optimize(slow, { trials: 100 }), b.optimize(slow, { trials: 100 })]);
    await a.refresh();
    const trials = a.trials();
    expect(trials).toHaveLength(9);
    expect(new Set(trials.map((t) => t.attrs.worker))).toEqual(new Set(['a', 'b']));
    expect(trials.map((t) => t.params)).toEqual(braninPoints);
  });

  it('draws the declared unconditional parameters when the trial starts, and the rest when suggested', async () => {
    const space = spaceOf({
      opt: { type: 'categorical', choices: ['sgd', 'adam'] },
      momentum: { type: 'float', low: 0, high: 0.9, when: { opt: 'sgd' } },
    });
    const study = await Study.open({ sampler: new GridSampler({ space, grid: { opt: ['sgd', 'adam'], momentum: [0, 0.9] } }) });
    const first = (await study.ask())!;
    expect(first.values).toEqual({ opt: 'sgd' }); // in the trial's create entry, before any suggestion
    expect(suggestSpace(first, space)).toEqual({ opt: 'sgd', momentum: 0 });
    await study.tell(first, 1);
    await study.optimize((t) => Object.keys(suggestSpace(t, space)).length, { trials: 10 });
    expect(study.trials().map((t) => t.params)).toEqual([{ opt: 'sgd', momentum: 0 }, { opt: 'sgd', momentum: 0.9 }, { opt: 'adam' }, { opt: 'adam' }]);
    // Without a declared space the joint draw starts once a trial has completed with the grid's parameters.
    const code = await Study.open({ sampler: new GridSampler({ grid: branin }) });
    const t0 = (await code.ask())!;
    expect(t0.values).toEqual({});
    await code.tell(t0, suggestBranin(t0));
    expect((await code.ask())!.values).toEqual(braninPoints[1]);
  });

  it('runs a lost trial again on its own point, including parameters it had not suggested yet', async () => {
    const journal = memoryJournal();
    const dead = await Study.open({ sampler: new GridSampler({ grid: branin }), backend: journal, worker: 'dead' });
    const lost = (await dead.ask())!;
    lost.suggestFloat('x1', -5, 10);
    await lost.report(1, 0); // x1 reaches the journal; then the worker dies before suggesting x2
    const survivor = await Study.open({ sampler: new GridSampler({ grid: branin }), backend: journal, worker: 'alive', staleAfterMs: 30 });
    await new Promise((r) => setTimeout(r, 60));
    await survivor.optimize(suggestBranin, { trials: 100 });
    const trials = survivor.trials();
    expect(trials).toHaveLength(10);
    expect(trials[0].state).toBe('failed');
    expect(trials[1].attrs.retryOf).toBe(0);
    expect(trials[1].params).toEqual(braninPoints[0]);
    // The retry took no point of its own: the other eight follow it in order.
    expect(trials.slice(2).map((t) => t.params)).toEqual(braninPoints.slice(1));
  });

  it('refuses an empty list, a value outside its distribution and a parameter not in the grid, naming the parameter', async () => {
    expect(() => new GridSampler({ grid: { x1: [-5], x2: [] } })).toThrow('search space: parameter "x2": the grid lists no values for it, got []');
    expect(() => new GridSampler({ grid: { x1: [0, 1, 0] } })).toThrow('search space: parameter "x1": grid value 0 is listed twice');
    expect(() => new GridSampler({})).toThrow('sampler (grid): give grid: { name: [values, ...] }, or a space: section to build it from');

    const outside = await Study.open({ sampler: new GridSampler({ grid: { x1: [-5, 20], x2: [0] } }) });
    await expect(outside.optimize(suggestBranin, { trials: 5 })).rejects.toThrow('search space: parameter "x1": grid value 20 is outside its distribution (float in [-5, 10])');
    const missing = await Study.open({ sampler: new GridSampler({ grid: { x1: [-5] } }) });
    await expect(missing.optimize(suggestBranin, { trials: 5 })).rejects.toThrow('search space: parameter "x2": it is not in the grid (x1)');

    const space = spaceOf({ lr: { type: 'float', low: 1e-4, high: 1, log: true }, batch: { type: 'int', low: 16, high: 64, step: 16 } });
    expect(() => new GridSampler({ space, grid: { lr: [0.1], batch: [16, 40] } })).toThrow('search space: parameter "batch": grid value 40 is outside its distribution (int in [16, 64] step 16)');
    expect(() => new GridSampler({ space, grid: { lr: [0.1] } })).toThrow('search space: parameter "batch": it is not in the grid (lr)');
    expect(() => new GridSampler({ space, grid: { lr: [0.1], batch: [16], wd: [0] } })).toThrow('search space: parameter "wd": it is in the grid but not in the search space (lr, batch)');
  });

  it('builds a grid from a search space', () => {
    expect(gridAxis(categoricalDistribution('c', ['a', 'b', 'c', 'd', 'e', 'f']), 5)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(gridAxis(intDistribution('i', 1, 3), 5)).toEqual([1, 2, 3]);
    expect(gridAxis(intDistribution('i', 0, 100), 5)).toEqual([0, 25, 50, 75, 100]);
    expect(gridAxis(intDistribution('i', 0, 10, { step: 2 }), 5)).toEqual([0, 2, 6, 8, 10]); // indices 0, 1.25, 2.5, 3.75, 5 rounded
    expect(gridAxis(intDistribution('i', 1, 1000, { log: true }), 5)).toEqual([1, 6, 32, 178, 1000]); // 1000^(k/4)
    expect(gridAxis(intDistribution('i', 1, 6, { log: true }), 5)).toEqual([1, 2, 4, 6]); // 6^(k/4) = 1, 1.57, 2.45, 3.83, 6: two round to 2
    expect(gridAxis(floatDistribution('f', -5, 10), 5)).toEqual([-5, -1.25, 2.5, 6.25, 10]);
    expect(gridAxis(floatDistribution('f', 0.1, 0.9), 5)).toEqual([0.1, 0.3, 0.5, 0.7, 0.9]);
    expect(gridAxis(floatDistribution('f', 1e-4, 1, { log: true }), 5)).toEqual([1e-4, 1e-3, 1e-2, 0.1, 1]);
    expect(gridAxis(floatDistribution('f', 0, 1, { step: 0.1 }), 5)).toEqual([0, 0.3, 0.5, 0.8, 1]);
    expect(gridAxis(floatDistribution('f', 0, 1, { step: 0.25 }), 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(gridAxis(floatDistribution('f', 2, 2), 5)).toEqual([2]);
    expect(gridAxis(floatDistribution('f', 0, 1), 3)).toEqual([0, 0.5, 1]);
    const space = spaceOf({ x: { type: 'float', low: 0, high: 1 }, k: { type: 'categorical', choices: [1, 2] } });
    expect(gridFromSpace(space, 2)).toEqual({ x: [0, 1], k: [1, 2] });
    expect(new GridSampler({ space }).size).toBe(10);
    expect(() => new GridSampler({ space, pointsPerAxis: 1 })).toThrow('sampler (grid): pointsPerAxis must be an integer of at least 2, got 1');
  });

  it('runs from a tune file, the grid built from the objective\'s space when not given', async () => {
    const file = parseTuneFile({
      name: 'branin-grid',
      store: join(root, 'studies.sqlite'),
      objective: { type: 'function', name: 'branin' },
      sampler: { type: 'grid', pointsPerAxis: 3 },
      trials: 100,
    });
    const { study, db } = await runTuneFile(file);
    try {
      const expected = [-5, 2.5, 10].flatMap((x1) => [0, 7.5, 15].map((x2) => ({ x1, x2 })));
      expect(study.trials().map((t) => t.params)).toEqual(expected);
    } finally {
      await db.close();
    }
    expect(() => createSampler({ type: 'grid', grid: { x1: [] } })).toThrow('search space: parameter "x1": the grid lists no values for it, got []');
    expect(() => createSampler({ type: 'grid', grid: { x1: [{}] } })).toThrow(/^sampler \(grid\): /);
    expect(createSampler({ type: 'grid', grid: branin }).name).toBe('grid');
  });
});
