/** Which samples the workers of a robust run compute on, under each heterogeneity. */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/load.js';
import { ArrayDataset } from '../../data/index.js';
import { localSamples } from './local-samples.js';
import { planRobustRun } from './robust-plan.js';

// 400 samples, 4 classes in blocks of 100 (labels 0,0,...,1,1,...).
const labels = Int32Array.from({ length: 400 }, (_, i) => Math.floor(i / 100));
const train = new ArrayDataset({ name: 'blocks', inputShape: [1], inputs: new Float32Array(400), targets: labels, numClasses: 4 });

function plan(robust: Record<string, unknown>, workers = 5) {
  return planRobustRun(
    validateConfig({
      data: { name: 'blobs', classes: 4, dims: 2, trainSize: 400, testSize: 40 },
      model: { type: 'logreg' },
      optimizer: { type: 'sgd', lr: 0.1 },
      train: { steps: 10, batchSize: 40 },
      distributed: { workers, mode: 'virtual' },
      robust,
    }),
  );
}
const withMedian = (heterogeneity: Record<string, unknown>) => plan({ aggregator: { type: 'median' }, byzantine: { count: 1 }, heterogeneity });

const classesSeen = (indices: Int32Array): number[] => [...new Set(Array.from(indices, (i) => labels[i]!))].sort();

describe('local samples of a robust run', () => {
  it('label-sorted: each of the 4 honest workers sees one class; the Byzantine worker sees all', () => {
    const p = withMedian({ type: 'label-sorted' });
    const seen = [0, 1, 2, 3].map((rank) => {
      const draw = localSamples(p, rank, train, 7);
      const indices = Array.from({ length: 20 }, (_, step) => Array.from(draw(step, new Int32Array(40)))).flat();
      return classesSeen(Int32Array.from(indices));
    });
    expect(seen.map((c) => c.length)).toEqual([1, 1, 1, 1]);
    expect(new Set(seen.flat()).size).toBe(4);
    const byzantine = localSamples(p, 4, train, 7);
    const all = Array.from({ length: 20 }, (_, step) => Array.from(byzantine(step, new Int32Array(40)))).flat();
    expect(classesSeen(Int32Array.from(all))).toEqual([0, 1, 2, 3]);
  });

  it('draws batchSize / workers samples per step, the same for the same step (resumable), a fresh pass after each full cycle', () => {
    const p = withMedian({ type: 'iid' });
    const draw = localSamples(p, 1, train, 7);
    expect(draw(3, new Int32Array(40))).toHaveLength(8);
    expect(Array.from(draw(3, new Int32Array(40)))).toEqual(Array.from(localSamples(p, 1, train, 7)(3, new Int32Array(40))));
    // 100 samples per honest worker, 8 per step: steps 0..11 cover 96 distinct samples of the part.
    const first = new Set(Array.from({ length: 12 }, (_, s) => Array.from(draw(s, new Int32Array(40)))).flat());
    expect(first.size).toBe(96);
  });

  it('DRACO: the r members of a group take the same slice of the global batch', () => {
    const p = plan({ redundancy: { type: 'draco', r: 3 } }, 6);
    const global = Int32Array.from({ length: 40 }, (_, i) => 100 + i);
    const slices = [0, 1, 2, 3, 4, 5].map((rank) => Array.from(localSamples(p, rank, train, 7)(0, global)));
    expect(slices[0]).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
    expect(slices[1]).toEqual(slices[0]);
    expect(slices[2]).toEqual(slices[0]);
    expect(slices[3]).toEqual(Array.from({ length: 20 }, (_, i) => 120 + i));
    expect(slices[5]).toEqual(slices[3]);
  });
});
