/** The robustness grid expanded as a general grid of named cells: the same run ids as before (so earlier result folders resume), labels and configs. */
import { describe, expect, it } from 'vitest';
import { expandRobustGrid, parseRobustGrid } from './grid-spec.js';

const spec = parseRobustGrid({
  base: {
    backend: 'cpu',
    data: { name: 'blobs', classes: 4, dims: 12, trainSize: 400, testSize: 100, seed: 5 },
    model: { type: 'mlp', hidden: [16] },
    optimizer: { type: 'sgd', lr: 0.1 },
    train: { steps: 20, evalEvery: 10 },
  },
  honest: 4,
  batchPerWorker: 5,
  aggregators: [{ type: 'average' }],
  preAggregators: [[], [{ type: 'nnm' }]],
  attacks: [{ type: 'alie' }, { type: 'gaussian', sigma: 1 }, { type: 'gaussian', sigma: 10 }],
  f: [1],
  heterogeneity: [{ type: 'dirichlet', alpha: 0.5 }],
  seeds: [1, 2],
});

describe('expandRobustGrid', () => {
  it('gives every rule x heterogeneity x f x attack x seed its id, labels and config', () => {
    const cells = expandRobustGrid(spec);
    expect(cells.map((c) => c.id)).toEqual([
      'average__dirichlet-0.5__f1__alie__s1', 'average__dirichlet-0.5__f1__alie__s2',
      'average__dirichlet-0.5__f1__gaussian-1__s1', 'average__dirichlet-0.5__f1__gaussian-1__s2',
      'average__dirichlet-0.5__f1__gaussian-2__s1', 'average__dirichlet-0.5__f1__gaussian-2__s2',
      'nnm+average__dirichlet-0.5__f1__alie__s1', 'nnm+average__dirichlet-0.5__f1__alie__s2',
      'nnm+average__dirichlet-0.5__f1__gaussian-1__s1', 'nnm+average__dirichlet-0.5__f1__gaussian-1__s2',
      'nnm+average__dirichlet-0.5__f1__gaussian-2__s1', 'nnm+average__dirichlet-0.5__f1__gaussian-2__s2',
    ]);
    const last = cells.at(-1)!;
    expect([last.rule, last.heterogeneity, last.f, last.attack, last.seed]).toEqual(['nnm+average', 'dirichlet-0.5', 1, 'gaussian-2', 2]);
    expect(last.config.seed).toBe(2);
    expect(last.config.distributed).toMatchObject({ mode: 'virtual', workers: 5 });
    expect(last.config.train.batchSize).toBe(25);
    expect(last.config.robust).toMatchObject({ f: 1, preAggregators: [{ type: 'nnm' }], byzantine: { count: 1, attack: { type: 'gaussian', sigma: 10 } } });
  });
});
