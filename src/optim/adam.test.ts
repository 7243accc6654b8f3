import { describe, expect, it } from 'vitest';
import { AdamOptimizer } from './adam.js';
import { adamCase } from './test-support/adam-case.js';
import { expectClose } from './test-support/expect-close.js';

// Update: w -= lr * m̂ / (sqrt(v̂) + eps), m̂ = m/(1 - beta1^t), v̂ = v/(1 - beta2^t).

function run(weightDecay: number): Float32Array[] {
  const opt = new AdamOptimizer({ length: 2 }, { ...adamCase.hyper, weightDecay });
  const w = Float32Array.from(adamCase.w0);
  opt.step(w, adamCase.g1, 0.1);
  const w1 = w.slice();
  opt.step(w, adamCase.g2, 0.1);
  return [w1, w];
}

describe('AdamOptimizer', () => {
  it('bias-corrected moments, eps outside the square root', () => {
    // step 1: m = 0.5*g1 = [1, -0.5], v = 0.25*g1^2 = [1, 0.25]; bc1 = 0.5, bc2 = 0.25
    //         m̂ = [2, -1], sqrt(v̂) = [2, 1]; w1 = w0 - 0.1*[2/2.25, -1/1.25] = [0.911111, -1.92]
    // step 2: m = 0.5*[1, -0.5] + 0.5*[-2, 3] = [-0.5, 1.25]
    //         v = 0.75*[1, 0.25] + 0.25*[4, 9] = [1.75, 2.4375]; bc1 = 0.75, bc2 = 0.4375
    //         m̂ = [-2/3, 5/3], v̂ = [4, 5.571429], sqrt(v̂) = [2, 2.360387]
    //         w2 = w1 - 0.1*[-0.666667/2.25, 1.666667/2.610387] = w1 - [-0.0296296, 0.0638476]
    const [w1, w2] = run(0);
    expectClose(w1!, [0.9111111, -1.92]);
    expectClose(w2!, [0.9407407, -1.9838475]);
  });

  it('L2 weight decay is added to the gradient before the moments', () => {
    // wd 0.5. step 1: g' = g1 + 0.5*w0 = [2.5, -2]; w1 = w0 - 0.1*[2.5/2.75, -2/2.25]
    //   = [0.9090909, -1.9111111]
    // step 2: g' = g2 + 0.5*w1 = [-1.5454545, 2.0444444]
    //   m = 0.5*[1.25, -1] + 0.5*g' = [-0.1477273, 0.5222222]
    //   v = 0.75*[1.5625, 1] + 0.25*g'^2 = [1.7689824, 1.7949383]
    //   m̂ = m/0.75 = [-0.1969697, 0.6962963], sqrt(v̂) = sqrt(v/0.4375) = [2.0108179, 2.0255162]
    //   w2 = w1 - 0.1*m̂/(sqrt(v̂) + 0.25) = w1 - [-0.0087123, 0.0305994]
    const [w1, w2] = run(0.5);
    expectClose(w1!, [0.9090909, -1.9111111]);
    expectClose(w2!, [0.9178032, -1.9417106]);
  });

  it('refuses betas outside [0, 1) and eps <= 0', () => {
    expect(() => new AdamOptimizer({ length: 1 }, { beta1: 1 })).toThrow('adam option beta1=1 is invalid');
    expect(() => new AdamOptimizer({ length: 1 }, { beta2: -0.1 })).toThrow('adam option beta2=-0.1 is invalid');
    expect(() => new AdamOptimizer({ length: 1 }, { eps: 0 })).toThrow('adam option eps=0 is invalid');
    expect(() => new AdamOptimizer({ length: 1 }, { weightDecay: -0.01 })).toThrow('weightDecay=-0.01');
  });
});
