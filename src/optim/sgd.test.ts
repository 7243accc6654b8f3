import { describe, expect, it } from 'vitest';
import { LoomError } from '../util/errors.js';
import { SgdOptimizer } from './sgd.js';
import { expectClose, f32 } from './test-support/expect-close.js';

// Shared setup: w0 = [1, 2, -1], g1 = [0.5, -1, 2], g2 = [1, 0, -1], lr = 0.1.
const g1 = f32(0.5, -1, 2);
const g2 = f32(1, 0, -1);
const layout = { length: 3 };

function run(options: ConstructorParameters<typeof SgdOptimizer>[1]): Float32Array[] {
  const opt = new SgdOptimizer(layout, options);
  const w = f32(1, 2, -1);
  opt.step(w, g1, 0.1);
  const w1 = w.slice();
  opt.step(w, g2, 0.1);
  return [w1, w];
}

describe('SgdOptimizer', () => {
  it('plain SGD: w -= lr*g', () => {
    // w1 = [1 - 0.05, 2 + 0.1, -1 - 0.2]; w2 = w1 - 0.1*[1, 0, -1]
    const [w1, w2] = run({});
    expectClose(w1!, [0.95, 2.1, -1.2]);
    expectClose(w2!, [0.85, 2.1, -1.1]);
  });

  it('momentum: first buf = g, then buf = mu*buf + g', () => {
    // step 1: buf = g1, w1 = [0.95, 2.1, -1.2]
    // step 2: buf = 0.9*[0.5, -1, 2] + [1, 0, -1] = [1.45, -0.9, 0.8]; w2 = w1 - 0.1*buf
    const [w1, w2] = run({ momentum: 0.9 });
    expectClose(w1!, [0.95, 2.1, -1.2]);
    expectClose(w2!, [0.805, 2.19, -1.28]);
  });

  it('Nesterov: update g + mu*buf', () => {
    // step 1: buf = g1, u = 1.9*g1 = [0.95, -1.9, 3.8]; w1 = [0.905, 2.19, -1.38]
    // step 2: buf = [1.45, -0.9, 0.8]; u = g2 + 0.9*buf = [2.305, -0.81, -0.28]; w2 = w1 - 0.1*u
    const [w1, w2] = run({ momentum: 0.9, nesterov: true });
    expectClose(w1!, [0.905, 2.19, -1.38]);
    expectClose(w2!, [0.6745, 2.271, -1.352]);
  });

  it('weight decay and dampening: d = g + wd*w, buf = mu*buf + (1 - dampening)*d', () => {
    // wd 0.1, mu 0.5, dampening 0.5.
    // step 1: d1 = [0.5 + 0.1, -1 + 0.2, 2 - 0.1] = [0.6, -0.8, 1.9]; buf = d1 (no dampening on the
    //         first step, as PyTorch); w1 = w0 - 0.1*d1 = [0.94, 2.08, -1.19]
    // step 2: d2 = g2 + 0.1*w1 = [1.094, 0.208, -1.119]; buf = 0.5*d1 + 0.5*d2 = [0.847, -0.296, 0.3905]
    //         w2 = w1 - 0.1*buf = [0.8553, 2.1096, -1.22905]
    const [w1, w2] = run({ momentum: 0.5, dampening: 0.5, weightDecay: 0.1 });
    expectClose(w1!, [0.94, 2.08, -1.19]);
    expectClose(w2!, [0.8553, 2.1096, -1.22905]);
  });

  it('weight decay without momentum', () => {
    // w1 = w0 - 0.1*[0.6, -0.8, 1.9]
    const [w1] = run({ weightDecay: 0.1 });
    expectClose(w1!, [0.94, 2.08, -1.19]);
  });

  it('keeps no state without momentum', () => {
    expect(new SgdOptimizer(layout).state().buffers).toEqual({});
    expect(Object.keys(new SgdOptimizer(layout, { momentum: 0.9 }).state().buffers)).toEqual(['momentum']);
  });

  it('refuses bad options with the option and value named', () => {
    expect(() => new SgdOptimizer(layout, { momentum: -0.5 })).toThrow(LoomError);
    expect(() => new SgdOptimizer(layout, { momentum: -0.5 })).toThrow('sgd option momentum=-0.5 is invalid');
    expect(() => new SgdOptimizer(layout, { momentum: 1 })).toThrow('momentum=1');
    expect(() => new SgdOptimizer(layout, { nesterov: true })).toThrow('sgd option nesterov=true is invalid');
    expect(() => new SgdOptimizer(layout, { momentum: 0.9, nesterov: true, dampening: 0.1 })).toThrow('dampening=0.1');
    expect(() => new SgdOptimizer(layout, { weightDecay: -1 })).toThrow('weightDecay=-1');
    expect(() => new SgdOptimizer(layout, { weightDecay: Number.NaN })).toThrow('weightDecay=');
  });
});
