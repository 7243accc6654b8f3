/**
 * One suite for the Optimizer interface, run over every implementation: bit-exact resume, state
 * copies, refused state, argument checks, and (for element-wise rules) shard = slice of the whole.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { layoutForRange } from './layout.js';
import type { Optimizer, OptimizerLayout } from './optimizer.js';
import { createOptimizer, type OptimizerSpec } from './registry.js';

const layout: OptimizerLayout = {
  length: 37,
  segments: [
    { offset: 0, size: 20, shape: [4, 5] },
    { offset: 20, size: 5, shape: [5] },
    { offset: 25, size: 12, shape: [3, 4] },
  ],
};

const cases: { name: string; spec: OptimizerSpec; elementWise: boolean }[] = [
  { name: 'sgd', spec: { type: 'sgd' }, elementWise: true },
  { name: 'sgd momentum dampening wd', spec: { type: 'sgd', momentum: 0.9, dampening: 0.1, weightDecay: 1e-3 }, elementWise: true },
  { name: 'sgd nesterov', spec: { type: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 1e-4 }, elementWise: true },
  { name: 'adam', spec: { type: 'adam', weightDecay: 1e-2 }, elementWise: true },
  { name: 'adamw', spec: { type: 'adamw' }, elementWise: true },
  { name: 'lars', spec: { type: 'lars', weightDecay: 1e-3, trustCoefficient: 0.02 }, elementWise: false },
  { name: 'lars no momentum', spec: { type: 'lars', momentum: 0, excludeBiases: false }, elementWise: false },
  { name: 'lamb', spec: { type: 'lamb', maxTrustRatio: 10 }, elementWise: false },
];

function initialParams(length: number): Float32Array {
  const rng = new Rng(7);
  return Float32Array.from({ length }, () => rng.normal());
}

/** The gradient of step t, the same however the run is split. */
function gradient(length: number, t: number): Float32Array {
  const rng = Rng.derive(11, t);
  return Float32Array.from({ length }, () => rng.normal() * 0.1);
}

function train(opt: Optimizer, params: Float32Array, from: number, to: number): void {
  for (let t = from; t < to; t++) opt.step(params, gradient(params.length, t), 0.05 * (1 + t / 10));
}

describe.each(cases)('Optimizer contract: $name', ({ spec, elementWise }) => {
  it('resumes bit-exactly: 10 steps = 5 steps, save, load into a new optimizer, 5 steps', () => {
    const straight = initialParams(layout.length);
    const a = createOptimizer(spec, layout);
    train(a, straight, 0, 10);
    expect(a.stepCount).toBe(10);

    const resumed = initialParams(layout.length);
    const b = createOptimizer(spec, layout);
    train(b, resumed, 0, 5);
    const saved = b.state();
    const c = createOptimizer(spec, layout);
    c.loadState(saved);
    expect(c.stepCount).toBe(5);
    train(c, resumed, 5, 10);

    expect(resumed).toEqual(straight);
    expect(Buffer.from(resumed.buffer).equals(Buffer.from(straight.buffer))).toBe(true);
    expect(c.state()).toEqual(a.state());
  });

  it('state() and loadState() copy, never alias', () => {
    const opt = createOptimizer(spec, layout);
    const params = initialParams(layout.length);
    train(opt, params, 0, 2);
    const saved = opt.state();
    const again = opt.state();
    for (const buffer of Object.values(saved.buffers)) buffer.fill(123);
    expect(opt.state()).toEqual(again);

    const other = createOptimizer(spec, layout);
    const source = again;
    other.loadState(source);
    for (const buffer of Object.values(source.buffers)) buffer.fill(-5);
    expect(other.state()).toEqual(opt.state());
  });

  it('refuses state of another kind, other buffers or other lengths, and keeps its own', () => {
    const opt = createOptimizer(spec, layout);
    train(opt, initialParams(layout.length), 0, 1);
    const before = opt.state();
    const names = Object.keys(before.buffers);
    expect(() => opt.loadState({ ...before, kind: 'other' })).toThrow(`cannot load ${opt.kind} optimizer state`);
    expect(() => opt.loadState({ step: 1, buffers: { ...before.buffers, extra: new Float32Array(37) } })).toThrow(
      'do not match the expected',
    );
    expect(() => opt.loadState({ step: -1, buffers: before.buffers })).toThrow('step=-1');
    if (names.length > 0) {
      const shorter = { ...before.buffers, [names[0]!]: new Float32Array(36) };
      expect(() => opt.loadState({ step: 1, buffers: shorter })).toThrow(`buffer ${names[0]} has 36 elements, expected 37`);
    }
    expect(opt.state()).toEqual(before);
  });

  it('refuses buffers of the wrong length and a bad learning rate', () => {
    const opt = createOptimizer(spec, layout);
    const params = initialParams(layout.length);
    expect(() => opt.step(params, new Float32Array(36), 0.1)).toThrow('expected 37 (the layout length)');
    expect(() => opt.step(params, gradient(37, 0), -0.1)).toThrow('lr=-0.1 is invalid');
    expect(() => opt.step(params, gradient(37, 0), Number.NaN)).toThrow('is invalid');
    expect(opt.stepCount).toBe(0);
  });

  it.runIf(elementWise)('a shard optimizer on params.subarray(a, b) equals that part of the whole update', () => {
    const whole = initialParams(layout.length);
    const wholeOpt = createOptimizer(spec, layout);
    const sharded = initialParams(layout.length);
    const cuts = [0, 13, 22, 37]; // cut inside the first tensor and inside the bias
    const shards = cuts.slice(1).map((end, k) => {
      const start = cuts[k]!;
      return { start, end, opt: createOptimizer(spec, layoutForRange(layout.segments!, start, end)) };
    });
    for (let t = 0; t < 4; t++) {
      const g = gradient(layout.length, t);
      wholeOpt.step(whole, g, 0.1);
      for (const { start, end, opt } of shards) opt.step(sharded.subarray(start, end), g.subarray(start, end), 0.1);
    }
    expect(sharded).toEqual(whole);
  });
});
