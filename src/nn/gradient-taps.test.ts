/**
 * Layer-by-layer gradient readiness (SequentialModel.lossAndGrad's onLayerReady): the gradient is
 * the untapped one bit for bit, every layer with parameters is reported once, the output side
 * first, and when a layer is reported the layers below it have not been written yet.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/index.js';
import { createModel } from './index.js';
import type { SequentialModel } from './sequential.js';
import { randomBatch } from './test-support/batches.js';

const CASES: Record<string, () => SequentialModel> = {
  logreg: () => createModel({ type: 'logreg' }, { inputShape: [4, 3, 1], numClasses: 3, seed: 3 }),
  mlp: () => createModel({ type: 'mlp', hidden: [5, 4] }, { inputShape: [12], numClasses: 3, seed: 3 }),
  cnn: () => createModel({ type: 'cnn', channels: [2, 3], hidden: [4] }, { inputShape: [12, 12, 1], numClasses: 3, seed: 3 }),
  resnet: () => createModel({ type: 'resnet', width: 4, groups: 2, stages: [1, 1] }, { inputShape: [8, 8, 1], numClasses: 3, seed: 4 }),
  transformer: () => createModel({ type: 'transformer', layers: 2, width: 8, heads: 2, context: 5 }, { inputShape: [5], numClasses: 7, seed: 3 }),
};

describe.each(['cpu', 'wasm'])('gradient readiness on %s', (backend) => {
  afterAll(() => initBackend({ backend: 'cpu' }));

  it.each(Object.keys(CASES))('%s', async (name) => {
    await initBackend({ backend });
    const model = CASES[name]!();
    const batch = randomBatch(model, 4, 2);
    const plain = new Float32Array(model.params.length);
    const plainLoss = model.lossAndGrad(batch, plain, 0.5);

    const tapped = new Float32Array(model.params.length).fill(Number.NaN);
    const reported: number[] = [];
    const loss = model.lossAndGrad(batch, tapped, 0.5, (layer) => {
      reported.push(layer);
      const [start, end] = model.layers[layer]!.paramRange;
      // This layer is written; every layer below it is still untouched.
      expect(tapped.subarray(start, end).some(Number.isNaN)).toBe(false);
      expect(tapped.subarray(0, start).every(Number.isNaN)).toBe(true);
    });
    expect(loss).toBe(plainLoss);
    expect(tapped).toEqual(plain);
    const withParams = model.layers.flatMap((l, i) => (l.params > 0 ? [i] : []));
    expect(reported).toEqual([...withParams].reverse());
  });
});
