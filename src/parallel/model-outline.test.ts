import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/load.js';
import { modelOutline } from './model-outline.js';

describe('modelOutline', () => {
  it('gives the tensors of a model the config fixes, and none where they follow text vocabulary', () => {
    const base = { optimizer: { type: 'sgd', lr: 0.1 }, train: { steps: 1, batchSize: 8 } };
    const mlp = modelOutline(validateConfig({ ...base, data: { name: 'fashion-mnist' }, model: { type: 'mlp', hidden: [256, 256] } }));
    expect(mlp!.length).toBe(784 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10);
    const transformer = validateConfig({ ...base, data: { name: 'text', context: 16 }, model: { type: 'transformer', layers: 1, heads: 2, width: 16, context: 16 } });
    expect(modelOutline(transformer)).toBeNull();
  });
});
