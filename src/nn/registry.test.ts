import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, MODEL_TYPES, type ModelSpec } from './index.js';
import { useCpu } from './test-support/backend.js';

beforeAll(useCpu);

const IMAGE = { inputShape: [28, 28, 1], numClasses: 10, seed: 1 };
const TEXT = { inputShape: [64], numClasses: 80, seed: 1 };
const build = (spec: unknown, shape = IMAGE) => () => createModel(spec as ModelSpec, shape);

describe('createModel', () => {
  it('builds every type with its defaults', () => {
    expect(MODEL_TYPES).toEqual(['logreg', 'mlp', 'cnn', 'resnet', 'transformer']);
    for (const type of ['logreg', 'mlp', 'cnn', 'resnet'] as const) {
      const model = createModel({ type }, IMAGE);
      expect(model.kind).toBe(type);
      expect(model.inputShape).toEqual([28, 28, 1]);
      expect(model.numClasses).toBe(10);
    }
    expect(createModel({ type: 'resnet' }, { inputShape: [32, 32, 3], numClasses: 10, seed: 1 }).layers[3].outputShape).toEqual([8, 8, 64]);
    expect(createModel({ type: 'transformer' }, TEXT).layers.at(-1)!.outputShape).toEqual([64, 80]);
  });

  it('honours the options', () => {
    expect(createModel({ type: 'mlp', hidden: [32], activation: 'gelu' }, IMAGE).params.length).toBe(784 * 32 + 32 + 330);
    expect(createModel({ type: 'cnn', channels: [4, 8], hidden: [32, 16] }, IMAGE).layers.map((l) => l.outputShape.at(-1))).toEqual([
      4, 4, 8, 8, 32, 16, 10,
    ]);
    expect(createModel({ type: 'resnet', stages: [2, 1], width: 8, groups: 4 }, IMAGE).layers.map((l) => l.name)).toEqual([
      'stem', 'stage1.block1', 'stage1.block2', 'stage2.block1', 'pool', 'fc',
    ]);
    const lm = createModel({ type: 'transformer', layers: 3, heads: 2, width: 16, context: 8, mlpRatio: 2 }, { ...TEXT, inputShape: [8] });
    expect(lm.layers.length).toBe(3 + 3);
    expect(lm.segments.find((s) => s.name === 'block1.mlp.fc.weight')!.shape).toEqual([16, 32]);
  });

  it('refuses bad specs and spec/data mismatches with one-line errors naming the values', () => {
    expect(build({ type: 'vgg' })).toThrow('unknown model type "vgg": expected one of logreg, mlp, cnn, resnet, transformer');
    expect(build(null)).toThrow('unknown model type undefined');
    expect(build({ type: 'transformer', width: 100, heads: 3 }, TEXT)).toThrow('transformer width 100 is not divisible by heads 3');
    expect(build({ type: 'transformer' }, { ...TEXT, inputShape: [32] })).toThrow(
      "transformer context 64 does not match the data's input shape [32] (expected [64])",
    );
    expect(build({ type: 'transformer', context: 32 }, IMAGE)).toThrow("does not match the data's input shape [28,28,1]");
    expect(build({ type: 'cnn' }, { ...IMAGE, inputShape: [784] })).toThrow('cnn needs an image input shape [height,width,channels], got [784]');
    expect(build({ type: 'cnn' }, { ...IMAGE, inputShape: [8, 8, 1] })).toThrow(
      'conv2: a 5x5 convolution with padding valid does not fit input [4,4,6]',
    );
    expect(build({ type: 'cnn', channels: [6] })).toThrow('cnn channels must be 2 positive integers, got [6]');
    expect(build({ type: 'resnet', width: 12, groups: 8 })).toThrow('resnet groups 8 must divide width 12');
    expect(build({ type: 'resnet' }, { ...IMAGE, inputShape: [64] })).toThrow('resnet needs an image input shape');
    expect(build({ type: 'mlp', hidden: [0] })).toThrow('mlp hidden must be positive integers, got [0]');
    expect(build({ type: 'mlp' }, { ...IMAGE, numClasses: 0 })).toThrow(
      'mlp needs a classification dataset (at least 2 classes), got numClasses 0',
    );
  });
});
