/**
 * Finite-difference gradient checks of every model type on tiny instances, on cpu and wasm.
 *
 * Tolerance: |numeric - analytic| <= 1e-2 * max(|numeric|, |analytic|) + 1e-4. The forward pass
 * is float32: a loss of ~1 carries rounding noise of ~1e-7 per logit, which a central difference
 * divides by 2 * eps, i.e. ~1e-4 at eps = 3e-4 and far less at 3e-3 (the atol); truncation
 * error is O(eps^2) relative, below 1e-3 at these steps. A wrong gradient formula is off by O(1)
 * relative, well past 1e-2. Several steps are tried because relu and max-pool kinks lie ~1e-3
 * apart in the CNN (hundreds of pool windows); see gradient-check.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/index.js';
import { checkGradients, createModel, type Model } from './index.js';
import type { SequentialModel } from './sequential.js';
import { randomBatch } from './test-support/batches.js';

const EPS = [3e-3, 1e-3, 3e-4];

const CASES: Record<string, () => SequentialModel> = {
  logreg: () => createModel({ type: 'logreg' }, { inputShape: [4, 3, 1], numClasses: 3, seed: 3 }),
  'mlp 12-5-3 tanh': () => createModel({ type: 'mlp', hidden: [5], activation: 'tanh' }, { inputShape: [12], numClasses: 3, seed: 3 }),
  'mlp 12-5-4-3 relu (fused relu path)': () => createModel({ type: 'mlp', hidden: [5, 4] }, { inputShape: [12], numClasses: 3, seed: 3 }),
  'mlp 12-5-3 gelu': () => createModel({ type: 'mlp', hidden: [5], activation: 'gelu' }, { inputShape: [12], numClasses: 3, seed: 3 }),
  'cnn 12x12x1 [2,3] [4] tanh': () =>
    createModel({ type: 'cnn', channels: [2, 3], hidden: [4], activation: 'tanh' }, { inputShape: [12, 12, 1], numClasses: 3, seed: 3 }),
  'cnn 12x12x1 [2,3] [4] relu': () =>
    createModel({ type: 'cnn', channels: [2, 3], hidden: [4] }, { inputShape: [12, 12, 1], numClasses: 3, seed: 3 }),
  'resnet width 4 on 8x8x1, tanh (identity and projection blocks)': () =>
    createModel({ type: 'resnet', width: 4, groups: 2, stages: [1, 1], activation: 'tanh' }, { inputShape: [8, 8, 1], numClasses: 3, seed: 3 }),
  // ReLU kinks: a coordinate's central differences straddle one with seed 3 (on wasm with the
  // composed norm) and seed 6 (on cpu and wasm, fused norm or not); seed 4 has none at these steps.
  'resnet width 4 on 8x8x1, relu (the norm with residual and ReLU fused)': () =>
    createModel({ type: 'resnet', width: 4, groups: 2, stages: [1, 1] }, { inputShape: [8, 8, 1], numClasses: 3, seed: 4 }),
  'transformer 1 layer, width 8, 2 heads, context 5, vocab 7': () =>
    createModel({ type: 'transformer', layers: 1, width: 8, heads: 2, context: 5 }, { inputShape: [5], numClasses: 7, seed: 3 }),
};

function describeFailures(model: Model, failures: ReturnType<typeof checkGradients>['failures']): string {
  return failures.map((f) => `${model.kind} ${f.segment}[${f.index}]: analytic ${f.analytic}, numeric ${f.numeric}`).join('\n');
}

describe.each(['cpu', 'wasm'])('gradient check on %s', (backend) => {
  it.each(Object.keys(CASES))('%s', async (name) => {
    await initBackend({ backend });
    const model = CASES[name]();
    const report = checkGradients(model, randomBatch(model, 4, 2), { eps: EPS, coordsPerSegment: 4 });
    // every segment checked: coordinates plus one random direction each
    expect(new Set(report.entries.map((e) => e.segment))).toEqual(new Set(model.segments.map((s) => s.name)));
    expect(report.failures, describeFailures(model, report.failures)).toEqual([]);
  });
});

describe('the check can fail', () => {
  it('catches a gradient off by 10% in one segment, and only there', async () => {
    await initBackend({ backend: 'cpu' });
    const model = CASES['mlp 12-5-3 tanh']();
    const target = model.segments[2]; // fc2.weight
    const wrong: Model = Object.create(model, {
      lossAndGrad: {
        value: (batch: Parameters<Model['lossAndGrad']>[0], gradOut: Float32Array) => {
          const loss = model.lossAndGrad(batch, gradOut);
          for (let i = target.offset; i < target.offset + target.size; i++) gradOut[i] *= 1.1;
          return loss;
        },
      },
    });
    const report = checkGradients(wrong, randomBatch(model, 4, 2), { eps: EPS, coordsPerSegment: 4 });
    expect(report.failures.length).toBeGreaterThan(0);
    expect(new Set(report.failures.map((f) => f.segment))).toEqual(new Set([target.name]));
  });
});

describe('cpu and wasm agree', () => {
  afterAll(() => initBackend({ backend: 'cpu' }));

  it.each(Object.keys(CASES))('%s: same loss and gradient to 1e-4 of its norm', async (name) => {
    const run = async (backend: string) => {
      await initBackend({ backend });
      const model = CASES[name]();
      const grad = new Float32Array(model.params.length);
      return { loss: model.lossAndGrad(randomBatch(model, 4, 2), grad), grad };
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(wasm.loss).toBeCloseTo(cpu.loss, 5);
    let diff = 0;
    let norm = 0;
    for (let i = 0; i < cpu.grad.length; i++) {
      diff += (cpu.grad[i] - wasm.grad[i]) ** 2;
      norm += cpu.grad[i] ** 2;
    }
    expect(Math.sqrt(diff)).toBeLessThanOrEqual(1e-4 * Math.sqrt(norm));
  });
});
