import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, cutIntoStages, type LayerInfo } from './index.js';
import { useCpu } from './test-support/backend.js';

beforeAll(useCpu);

/** Layers with the given FLOPs and one parameter each. */
function layers(flops: number[]): LayerInfo[] {
  return flops.map((f, i) => ({
    name: `l${i}`,
    kind: 'dense',
    params: 1,
    forwardFlops: f,
    activationBytes: 4,
    outputShape: [1],
    paramRange: [i, i + 1] as const,
  }));
}

const cuts = (flops: number[], k: number) => cutIntoStages(layers(flops), k).map((s) => [s.from, s.to]);

describe('cutIntoStages', () => {
  it('minimises the largest stage, then evens out the rest', () => {
    expect(cuts([4, 1, 1, 1, 1], 2)).toEqual([[0, 1], [1, 5]]);
    expect(cuts([1, 1, 1, 1, 1, 1], 3)).toEqual([[0, 2], [2, 4], [4, 6]]);
    expect(cuts([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toEqual([[0, 5], [5, 7], [7, 9]]); // 15 | 13 | 17
    // zero-FLOP layers (pools) join a neighbour (ties: the earliest cut); no stage is empty
    expect(cuts([5, 0, 5, 0, 5], 3)).toEqual([[0, 1], [1, 3], [3, 5]]);
    expect(cuts([0, 0, 0], 3)).toEqual([[0, 1], [1, 2], [2, 3]]);
  });

  it('k = 1 is the whole model, k = layers one layer per stage', () => {
    expect(cuts([3, 1, 2], 1)).toEqual([[0, 3]]);
    expect(cuts([3, 1, 2], 3)).toEqual([[0, 1], [1, 2], [2, 3]]);
  });

  it('reports each stage FLOPs, parameters and parameter range', () => {
    const model = createModel({ type: 'mlp' }, { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    const stages = cutIntoStages(model.layers, 2);
    expect(stages).toEqual([
      { from: 0, to: 1, forwardFlops: 401_408, params: 200_960, paramRange: [0, 200_960] },
      { from: 1, to: 3, forwardFlops: 136_192, params: 68_362, paramRange: [200_960, 269_322] },
    ]);
  });

  it('refuses an impossible k', () => {
    expect(() => cutIntoStages(layers([1, 1]), 3)).toThrow('cannot cut 2 layers into 3 stages: need an integer in [1, 2]');
    expect(() => cutIntoStages(layers([1, 1]), 0)).toThrow('cannot cut 2 layers into 0 stages');
    expect(() => cutIntoStages(layers([1, 1]), 1.5)).toThrow('cannot cut 2 layers into 1.5 stages');
  });
});
