import { describe, expect, it } from 'vitest';
import { ADAMW_DEFAULTS, AdamWOptimizer } from './adamw.js';
import { adamCase } from './test-support/adam-case.js';
import { expectClose } from './test-support/expect-close.js';

describe('AdamWOptimizer', () => {
  it('decays the weights first (w *= 1 - lr*wd), then the Adam step of the raw gradient', () => {
    // Same case as adam.test.ts, wd 0.5, lr 0.1 (keep factor 0.95). The moments never see w, so the
    // Adam updates are those of plain Adam: [0.0888889, -0.08] then [-0.0296296, 0.0638476].
    // step 1: w = 0.95*[1, -2] - [0.0888889, -0.08] = [0.8611111, -1.82]
    // step 2: w = 0.95*[0.8611111, -1.82] - [-0.0296296, 0.0638476] = [0.8476852, -1.7928475]
    const opt = new AdamWOptimizer({ length: 2 }, { ...adamCase.hyper, weightDecay: 0.5 });
    const w = Float32Array.from(adamCase.w0);
    opt.step(w, adamCase.g1, 0.1);
    expectClose(w, [0.8611111, -1.82]);
    opt.step(w, adamCase.g2, 0.1);
    expectClose(w, [0.8476852, -1.7928475]);
  });

  it('defaults to weightDecay 0.01 as PyTorch', () => {
    expect(ADAMW_DEFAULTS.weightDecay).toBe(0.01);
    expect(new AdamWOptimizer({ length: 1 }).options.weightDecay).toBe(0.01);
  });

  it('refuses bad options', () => {
    expect(() => new AdamWOptimizer({ length: 1 }, { beta1: 1.5 })).toThrow('adamw option beta1=1.5 is invalid');
    expect(() => new AdamWOptimizer({ length: 1 }, { eps: -1e-8 })).toThrow('adamw option eps=-1e-8 is invalid');
  });
});
