import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../compute/index.js';
import { createModel, type Model, type ModelSpec } from './index.js';
import type { SequentialModel } from './sequential.js';
import { useCpu } from './test-support/backend.js';
import { randomBatch } from './test-support/batches.js';

beforeAll(useCpu);

const IMAGE = { inputShape: [28, 28, 1], numClasses: 10, seed: 1 };

/** Tiny instances of every model type (fast on cpu). */
const TINY: Record<string, () => SequentialModel> = {
  logreg: () => createModel({ type: 'logreg' }, { inputShape: [4, 3, 1], numClasses: 3, seed: 1 }),
  mlp: () => createModel({ type: 'mlp', hidden: [5, 4] }, { inputShape: [12], numClasses: 3, seed: 1 }),
  cnn: () => createModel({ type: 'cnn', channels: [2, 3], hidden: [4] }, { inputShape: [12, 12, 1], numClasses: 3, seed: 1 }),
  resnet: () => createModel({ type: 'resnet', width: 4, groups: 2, stages: [1, 1] }, { inputShape: [8, 8, 1], numClasses: 3, seed: 1 }),
  transformer: () =>
    createModel({ type: 'transformer', layers: 2, width: 8, heads: 2, context: 5 }, { inputShape: [5], numClasses: 7, seed: 1 }),
};

describe('parameter layout', () => {
  it('one contiguous buffer, segments `layer.tensor` in order with no gaps', () => {
    const model = createModel({ type: 'mlp' }, IMAGE);
    expect(model.segments.map((s) => s.name)).toEqual([
      'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias', 'fc3.weight', 'fc3.bias',
    ]);
    expect(model.segments.map((s) => s.shape)).toEqual([[784, 256], [256], [256, 256], [256], [256, 10], [10]]);
    for (const name of Object.keys(TINY)) {
      const m = TINY[name]();
      let offset = 0;
      for (const s of m.segments) {
        expect(s.offset, s.name).toBe(offset);
        expect(s.size).toBe(s.shape.reduce((a, b) => a * b, 1));
        expect(s.name.startsWith(`${s.layer}.`)).toBe(true);
        offset += s.size;
      }
      expect(offset).toBe(m.params.length);
      // layers partition the buffer in the same order
      let start = 0;
      for (const l of m.layers) {
        expect(l.paramRange[0]).toBe(start);
        expect(l.paramRange[1] - l.paramRange[0]).toBe(l.params);
        start = l.paramRange[1];
      }
      expect(start).toBe(m.params.length);
    }
  });

  it('MLP 784-256-256-10: 269,322 params, FLOPs and activation bytes by hand', () => {
    const model = createModel({ type: 'mlp' }, IMAGE);
    expect(model.params.length).toBe(269_322);
    expect(model.layers.map((l) => [l.name, l.kind, l.params, l.forwardFlops, l.activationBytes])).toEqual([
      ['fc1', 'dense', 784 * 256 + 256, 2 * 784 * 256, 256 * 4],
      ['fc2', 'dense', 256 * 256 + 256, 2 * 256 * 256, 256 * 4],
      ['fc3', 'dense', 256 * 10 + 10, 2 * 256 * 10, 10 * 4],
    ]);
    expect(model.layers.reduce((s, l) => s + l.forwardFlops, 0)).toBe(537_600);
  });

  it('LeNet-5-style CNN: 61,706 params; conv FLOPs 2 x out pixels x filters x k*k*in', () => {
    const model = createModel({ type: 'cnn' }, IMAGE);
    expect(model.params.length).toBe(61_706);
    expect(model.layers.map((l) => [l.name, l.params, l.forwardFlops, l.outputShape])).toEqual([
      ['conv1', 5 * 5 * 6 + 6, 2 * 28 * 28 * 6 * 25, [28, 28, 6]],
      ['pool1', 0, 0, [14, 14, 6]],
      ['conv2', 5 * 5 * 6 * 16 + 16, 2 * 10 * 10 * 16 * 150, [10, 10, 16]],
      ['pool2', 0, 0, [5, 5, 16]],
      ['fc1', 400 * 120 + 120, 2 * 400 * 120, [120]],
      ['fc2', 120 * 84 + 84, 2 * 120 * 84, [84]],
      ['fc3', 84 * 10 + 10, 2 * 84 * 10, [10]],
    ]);
    expect(model.layers[0].activationBytes).toBe(28 * 28 * 6 * 4);
  });

  it('logreg, resnet and transformer parameter counts', () => {
    expect(createModel({ type: 'logreg' }, IMAGE).params.length).toBe(7_850);
    const resnet = createModel({ type: 'resnet' }, IMAGE);
    expect(resnet.layers.map((l) => [l.name, l.kind, l.params])).toEqual([
      ['stem', 'conv-norm', 9 * 16 + 32],
      ['stage1.block1', 'residual-block', 2 * 9 * 16 * 16 + 2 * 32],
      ['stage2.block1', 'residual-block', 9 * 16 * 32 + 9 * 32 * 32 + 16 * 32 + 3 * 64],
      ['stage3.block1', 'residual-block', 9 * 32 * 64 + 9 * 64 * 64 + 32 * 64 + 3 * 128],
      ['pool', 'global-avgpool', 0],
      ['fc', 'dense', 64 * 10 + 10],
    ]);
    expect(resnet.params.length).toBe(77_754);
    expect(resnet.layers.map((l) => l.outputShape)).toEqual([[28, 28, 16], [28, 28, 16], [14, 14, 32], [7, 7, 64], [64], [10]]);
    expect(createModel({ type: 'resnet' }, { inputShape: [32, 32, 3], numClasses: 10, seed: 1 }).params.length).toBe(77_754 + 9 * 2 * 16);
    const vocab = 80;
    const lm = createModel({ type: 'transformer' }, { inputShape: [64], numClasses: vocab, seed: 1 });
    const block = 2 * 128 + (128 * 384 + 384) + (128 * 128 + 128) + 2 * 128 + (128 * 512 + 512) + (512 * 128 + 128);
    expect(lm.layers.map((l) => [l.name, l.kind, l.params])).toEqual([
      ['embed', 'embedding', vocab * 128 + 64 * 128],
      ['block1', 'transformer-block', block],
      ['block2', 'transformer-block', block],
      ['ln_f', 'layernorm', 256],
      ['head', 'dense', 128 * vocab + vocab],
    ]);
    expect(lm.params.length).toBe(425_552);
    const t = 64, c = 128;
    expect(lm.layers[1].forwardFlops).toBe(2 * t * c * 3 * c + 4 * t * t * c + 2 * t * c * c + 4 * t * c * 4 * c);
    expect(lm.layers[4].activationBytes).toBe(t * vocab * 4);
  });
});

describe('initialisation', () => {
  it('same seed gives identical parameters, another seed different ones', () => {
    for (const spec of [{ type: 'mlp' }, { type: 'cnn' }, { type: 'resnet' }] as ModelSpec[]) {
      const a = createModel(spec, IMAGE).params;
      expect(createModel(spec, IMAGE).params).toEqual(a);
      expect(createModel(spec, { ...IMAGE, seed: 2 }).params).not.toEqual(a);
    }
  });

  it('PyTorch-like defaults: dense U(+-1/sqrt(fanIn)), norms ones/zeros, GPT-2 N(0, 0.02)', () => {
    const mlp = createModel({ type: 'mlp' }, IMAGE);
    const w1 = mlp.params.subarray(0, 784 * 256);
    const bound = 1 / Math.sqrt(784);
    const largest = w1.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(largest).toBeLessThanOrEqual(bound);
    expect(largest).toBeGreaterThan(0.99 * bound);
    const lm = createModel({ type: 'transformer' }, { inputShape: [64], numClasses: 80, seed: 1 });
    const seg = (name: string) => {
      const s = lm.segments.find((x) => x.name === name)!;
      return lm.params.subarray(s.offset, s.offset + s.size);
    };
    expect([...new Set(seg('block1.ln1.weight'))]).toEqual([1]);
    expect([...new Set(seg('block1.attn.qkv.bias'))]).toEqual([0]);
    const qkv = seg('block1.attn.qkv.weight');
    const std = Math.sqrt(qkv.reduce((s, v) => s + v * v, 0) / qkv.length);
    expect(std).toBeCloseTo(0.02, 3);
  });
});

describe('lossAndGrad, evaluate, predict', () => {
  it('leak no tensors, for every model type', () => {
    for (const [name, make] of Object.entries(TINY)) {
      const model = make();
      const batch = randomBatch(model, 3);
      const grad = new Float32Array(model.params.length);
      const before = tf.memory().numTensors;
      model.lossAndGrad(batch, grad);
      model.evaluate(batch);
      model.predict(batch.inputs, batch.size);
      const last = model.layers.length;
      if (last > 1) {
        const mid = Math.max(1, last - 2);
        const acts = model.stageForward(0, mid, batch.inputs, batch.size);
        const up = model.stageBackward(mid, last, acts, batch.size, { targets: batch.targets }, grad);
        model.stageBackward(0, mid, batch.inputs, batch.size, { gradOutput: up.gradInput! }, grad);
      }
      expect(tf.memory().numTensors, name).toBe(before);
      expect(grad.every(Number.isFinite), name).toBe(true);
    }
  });

  it('evaluate sums the per-example losses and hits of the predicted logits; mean = lossAndGrad loss', () => {
    for (const [name, make] of Object.entries(TINY)) {
      const model = make();
      const batch = randomBatch(model, 4);
      const logits = model.predict(batch.inputs, batch.size);
      const c = model.numClasses;
      const targets = batch.targets as Int32Array;
      expect(logits.length).toBe(targets.length * c);
      let lossSum = 0;
      let correct = 0;
      for (let r = 0; r < targets.length; r++) {
        const row = Array.from(logits.subarray(r * c, (r + 1) * c));
        const max = Math.max(...row);
        lossSum += max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) - row[targets[r]];
        if (row.indexOf(max) === targets[r]) correct++;
      }
      const sums = model.evaluate(batch);
      expect(sums.count, name).toBe(targets.length);
      expect(sums.correct, name).toBe(correct);
      expect(sums.lossSum, name).toBeCloseTo(lossSum, 9);
      const loss = model.lossAndGrad(batch, new Float32Array(model.params.length));
      expect(loss, name).toBeCloseTo(sums.lossSum / sums.count, 5);
    }
  });

  it('scales the gradient by the weight it is given, and returns the unweighted loss', () => {
    for (const [name, make] of Object.entries(TINY)) {
      const model = make();
      const batch = randomBatch(model, 4);
      const plain = new Float32Array(model.params.length);
      const weighted = new Float32Array(model.params.length);
      const loss = model.lossAndGrad(batch, plain);
      expect(model.lossAndGrad(batch, weighted, 0.25), name).toBe(loss);
      // A power of two scales every intermediate exactly: the same bits as scaling afterwards.
      expect(weighted, name).toEqual(plain.map((g) => g * 0.25));
    }
  });

  it('counts per token for the language model', () => {
    const model = TINY.transformer();
    expect(model.evaluate(randomBatch(model, 3)).count).toBe(3 * 5);
  });

  it('reads the buffer at every call: zeroed parameters give uniform logits, loss ln(classes)', () => {
    const model = createModel({ type: 'mlp' }, IMAGE);
    const batch = randomBatch(model, 8);
    const grad = new Float32Array(model.params.length);
    expect(model.lossAndGrad(batch, grad)).not.toBeCloseTo(Math.log(10), 3);
    model.params.fill(0);
    expect(model.lossAndGrad(batch, grad)).toBeCloseTo(Math.log(10), 6);
    expect(model.evaluate(batch).lossSum).toBeCloseTo(8 * Math.log(10), 6);
  });

  it('is batch-independent: one batch of 6 = two batches of 3 (GroupNorm, no batch statistics)', () => {
    for (const name of ['resnet', 'cnn', 'transformer']) {
      const model = TINY[name]();
      const batch = randomBatch(model, 6);
      const per = batch.inputs.length / 6;
      const whole = model.predict(batch.inputs, 6);
      const halves = [model.predict(batch.inputs.slice(0, 3 * per), 3), model.predict(batch.inputs.slice(3 * per), 3)];
      const joined = Float32Array.from([...halves[0], ...halves[1]]);
      for (let i = 0; i < whole.length; i++) expect(joined[i]).toBeCloseTo(whole[i], 5);
    }
  });
});

describe('layer ranges (pipeline stages)', () => {
  it('stages run one after another give the lossAndGrad loss and gradient', () => {
    for (const [name, make] of Object.entries(TINY)) {
      const model = make();
      const batch = randomBatch(model, 3);
      const full = new Float32Array(model.params.length);
      const loss = model.lossAndGrad(batch, full);
      // cut after every layer: the hardest case
      const n = model.layers.length;
      const inputs: (Float32Array | Int32Array)[] = [batch.inputs];
      for (let i = 0; i < n - 1; i++) inputs.push(model.stageForward(i, i + 1, inputs[i], batch.size));
      const staged = new Float32Array(model.params.length);
      const last = model.stageBackward(n - 1, n, inputs[n - 1], batch.size, { targets: batch.targets }, staged);
      expect(last.loss, name).toBeCloseTo(loss, 5);
      let up = last.gradInput;
      for (let i = n - 2; i >= 0; i--) {
        const r = model.stageBackward(i, i + 1, inputs[i], batch.size, { gradOutput: up! }, staged);
        up = r.gradInput;
      }
      expect(up).toBeNull();
      const scale = full.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      for (let i = 0; i < full.length; i++) expect(Math.abs(staged[i] - full[i]), `${name} [${i}]`).toBeLessThan(1e-5 * scale);
    }
  });

  it('residual and transformer blocks are one layer each', () => {
    expect(TINY.resnet().layers.map((l) => l.kind)).toEqual(['conv-norm', 'residual-block', 'residual-block', 'global-avgpool', 'dense']);
    expect(TINY.transformer().layers.map((l) => l.kind)).toEqual([
      'embedding', 'transformer-block', 'transformer-block', 'layernorm', 'dense',
    ]);
  });
});

describe('bad input', () => {
  const model: Model = createModel({ type: 'mlp', hidden: [5] }, { inputShape: [4], numClasses: 3, seed: 1 });
  const grad = new Float32Array(model.params.length);
  const ok = { inputs: new Float32Array(8), targets: Int32Array.of(0, 2), size: 2 };

  it('one-line errors naming the mismatch', () => {
    expect(() => model.lossAndGrad({ ...ok, inputs: new Float32Array(7) }, grad)).toThrow(
      'batch of 2 samples has 7 input values, expected 2 x [4]',
    );
    expect(() => model.lossAndGrad({ ...ok, targets: Int32Array.of(0) }, grad)).toThrow('batch of 2 samples has 1 targets, expected 2');
    expect(() => model.lossAndGrad({ ...ok, targets: Int32Array.of(0, 3) }, grad)).toThrow(
      'target 3 at position 1 is not a class id in [0, 3)',
    );
    expect(() => model.evaluate({ ...ok, targets: Float32Array.of(0, 1.5) })).toThrow('target 1.5 at position 1 is not a class id');
    expect(() => model.lossAndGrad(ok, new Float32Array(3))).toThrow('gradient buffer has 3 elements, the mlp has 43 parameters');
    const lm = TINY.transformer();
    expect(() => lm.predict(Int32Array.of(0, 1, 2, 3, 7), 1)).toThrow('input token 7 at position 4 is not an id in [0, 7)');
  });

  it('accepts integral float targets', () => {
    expect(model.evaluate({ ...ok, targets: Float32Array.of(0, 2) }).count).toBe(2);
  });
});
