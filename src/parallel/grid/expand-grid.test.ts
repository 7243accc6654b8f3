/** Expanding a grid: exact cells from axes x named cells x seeds, their labels, and refusals before anything runs. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGrid, shortKeys, type GridDefinition } from './expand-grid.js';
import { parseGridFile } from './grid-file.js';

const base = {
  backend: 'cpu',
  data: { name: 'blobs', classes: 3, dims: 4, trainSize: 60, testSize: 30, seed: 1 },
  model: { type: 'mlp', hidden: [8] },
  optimizer: { type: 'sgd', lr: 0.1 },
  train: { steps: 4, batchSize: 8 },
  distributed: { mode: 'virtual', workers: 2, network: { latencyUs: 50, bandwidthGbps: 1 } },
};

const grid = (over: Partial<GridDefinition>): GridDefinition => ({ base, axes: [], cells: [], seeds: [1], ...over });

describe('expandGrid', () => {
  it('crosses the named cells with every point of the axes (first axis outermost) and every seed', () => {
    const runs = expandGrid(
      grid({
        axes: [
          ['distributed.workers', [2, 4]],
          ['optimizer.lr', [0.1, 0.05]],
        ],
        cells: [
          { name: 'ddp', set: { strategy: { type: 'ddp' } } },
          { name: 'ps-2', set: { strategy: { type: 'ps', servers: 2 }, 'train.batchSize': 16 } },
        ],
        seeds: [1, 2],
      }),
    );
    expect(runs.map((r) => `${r.cell} / ${r.seed}`)).toEqual([
      'ddp workers=2 lr=0.1 / 1', 'ddp workers=2 lr=0.1 / 2', 'ddp workers=2 lr=0.05 / 1', 'ddp workers=2 lr=0.05 / 2',
      'ddp workers=4 lr=0.1 / 1', 'ddp workers=4 lr=0.1 / 2', 'ddp workers=4 lr=0.05 / 1', 'ddp workers=4 lr=0.05 / 2',
      'ps-2 workers=2 lr=0.1 / 1', 'ps-2 workers=2 lr=0.1 / 2', 'ps-2 workers=2 lr=0.05 / 1', 'ps-2 workers=2 lr=0.05 / 2',
      'ps-2 workers=4 lr=0.1 / 1', 'ps-2 workers=4 lr=0.1 / 2', 'ps-2 workers=4 lr=0.05 / 1', 'ps-2 workers=4 lr=0.05 / 2',
    ]);
    expect(runs[0]!.id).toBe('ddp_workers=2_lr=0.1__s1');
    const last = runs.at(-1)!;
    expect(last.id).toBe('ps-2_workers=4_lr=0.05__s2');
    expect(last.settings).toEqual({ strategy: { type: 'ps', servers: 2 }, 'train.batchSize': 16, 'distributed.workers': 4, 'optimizer.lr': 0.05 });
    expect(last.config.seed).toBe(2);
    expect(last.config.strategy).toEqual({ type: 'ps', servers: 2 });
    expect(last.config.train.batchSize).toBe(16);
    expect(last.config.optimizer.lr).toBe(0.05);
    // Keys not set keep the base's values.
    expect(last.config.distributed).toMatchObject({ mode: 'virtual', workers: 4, network: { latencyUs: 50, bandwidthGbps: 1 } });
    expect(runs[0]!.config.train.batchSize).toBe(8);
    expect(base.distributed.workers).toBe(2); // the base is not changed
  });

  it('names a grid without cells by its axes, and the base alone "base"', () => {
    const runs = expandGrid(grid({ axes: [['strategy', [{ type: 'local-sgd', period: 2 }, { type: 'local-sgd', period: 4 }, { type: 'd-psgd' }]]] }));
    expect(runs.map((r) => r.cell)).toEqual(['strategy=local-sgd-0', 'strategy=local-sgd-1', 'strategy=d-psgd']);
    expect(runs[1]!.config.strategy).toEqual({ type: 'local-sgd', period: 4 });
    expect(expandGrid(grid({ seeds: [3] })).map((r) => [r.id, r.cell])).toEqual([['base__s3', 'base']]);
  });

  it('labels each axis by the shortest key suffix no other axis shares', () => {
    expect(shortKeys(['strategy.type', 'robust.aggregator.type', 'distributed.workers', 'seed'])).toEqual(['strategy.type', 'aggregator.type', 'workers', 'seed']);
  });

  it('refuses a bad cell in one line naming the cell and the key, before any cell runs', () => {
    const ssp = { name: 'ps-ssp', set: { strategy: { type: 'ps', consistency: 'ssp' } } };
    expect(() => expandGrid(grid({ cells: [{ name: 'ddp', set: {} }, ssp] }))).toThrow(/^grid cell "ps-ssp": config key strategy\.staleness is missing/);
    // The strategy's own check, past its options' schema.
    const nodes = { name: 'hier', set: { strategy: { type: 'local-sgd', nodeSize: 3 } } };
    expect(() => expandGrid(grid({ cells: [nodes] }))).toThrow('grid cell "hier": strategy.nodeSize = 3 must divide distributed.workers = 2');
    expect(() => expandGrid(grid({ axes: [['strategy.period', [4, 8]]], cells: [{ name: 'ddp', set: { strategy: { type: 'ddp' } } }] }))).toThrow(
      'grid cell "ddp period=4": unknown config key strategy.period',
    );
    expect(() => expandGrid(grid({ axes: [['distributed.workers', [2, 0]]], seeds: [1, 2] }))).toThrow(
      /^grid cell "workers=0" \(seed 1\): config key distributed\.workers = 0 is invalid/,
    );
    expect(() => expandGrid(grid({ axes: [['strategy', [{ type: 'ddp' }]]], cells: [{ name: 'h4', set: { 'strategy.period': 4 } }] }))).toThrow(
      'grid cell h4: it sets strategy.period, which the axis strategy overwrites; drop one of them',
    );
    expect(() => expandGrid(grid({ axes: [['seed', [1, 2]]] }))).toThrow('give the seeds as seeds: [...]');
    expect(() => expandGrid(grid({ cells: [{ name: 'kept', set: { 'output.dir': 'runs/x' } }] }))).toThrow(/^grid cell "kept": config key output\.dir: a grid cell writes no files/);
    expect(() => expandGrid(grid({ cells: [{ name: 'a b', set: {} }, { name: 'a_b', set: {} }] }))).toThrow('grid: cells "a b" and "a_b" have the same file name a_b__s1; rename one');
  });
});

describe('parseGridFile', () => {
  it('reads a base given as a path relative to the grid file, and fills the defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-grid-file-'));
    writeFileSync(join(dir, 'base.json'), JSON.stringify(base));
    const file = parseGridFile({ base: 'base.json', axes: { 'distributed.workers': [2, 4] } }, join(dir, 'grid.yaml'));
    expect(file).toEqual({ name: 'grid', base, axes: [['distributed.workers', [2, 4]]], cells: [], seeds: [1], parallel: 1 });
    expect(() => parseGridFile({ base, axes: { 'optimizer.lr': [] } }, 'grid.yaml')).toThrow(/^config key axes\.optimizer\.lr = \[\] is invalid/);
    expect(() => parseGridFile({ base, target: 80 }, 'grid.yaml')).toThrow(/^config key target = 80 is invalid/);
  });
});
