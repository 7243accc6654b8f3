import { describe, expect, it } from 'vitest';
import { LambOptimizer } from './lamb.js';
import { expectClose, f32 } from './test-support/expect-close.js';

// Segments A = [0, 2), w = [1, -2]; B = [2, 4), w = [3, 4]. beta1 0.5, beta2 0.75, eps 0.25, wd 0.1,
// lr 0.1. r = m̂/(sqrt(v̂) + eps) + wd*w; trust = ||w||/||r||; w -= lr*trust*r.
const layout = { length: 4, segments: [{ offset: 0, size: 2 }, { offset: 2, size: 2 }] };
const hyper = { beta1: 0.5, beta2: 0.75, eps: 0.25, weightDecay: 0.1 };
const g1 = f32(2, -1, 1, 1);

describe('LambOptimizer', () => {
  it('per-segment trust ratios over bias-corrected Adam directions', () => {
    const opt = new LambOptimizer(layout, hyper);
    const w = f32(1, -2, 3, 4);
    // step 1: m̂ = g, sqrt(v̂) = |g|, so the Adam direction is g/(|g| + 0.25).
    //   A: dir = [2/2.25, -1/1.25] = [0.8888889, -0.8]; r = dir + 0.1*[1, -2] = [0.9888889, -1]
    //      ||w|| = sqrt(5) = 2.2360680, ||r|| = sqrt(1.9779012) = 1.4063788, trust = 1.5899472
    //      w = [1, -2] - 0.1*1.5899472*r = [0.8427719, -1.8410053]
    //   B: dir = [0.8, 0.8]; r = [1.1, 1.2]; ||w|| = 5, ||r|| = sqrt(2.65) = 1.6278821, trust = 3.0714756
    //      w = [3, 4] - 0.1*3.0714756*[1.1, 1.2] = [2.6621377, 3.6314229]
    opt.step(w, g1, 0.1);
    expectClose(w, [0.8427719, -1.8410053, 2.6621377, 3.6314229]);
    // step 2 (bc1 = 0.75, bc2 = 0.4375):
    //   A: g = [-2, 3]: m = [-0.5, 1.25], v = [1.75, 2.4375]; m̂ = [-2/3, 5/3], sqrt(v̂) = [2, 2.3603873]
    //      dir = [-0.2962963, 0.6384746]; r = dir + 0.1*[0.8427719, -1.8410053] = [-0.2120191, 0.4543743]
    //      ||w|| = 2.0247382, ||r|| = 0.5014061, trust = 4.0381201; w -= 0.1*trust*r
    //   B: g = [0, -1]: m = [0.25, -0.25], v = [0.1875, 0.4375]; m̂ = [1/3, -1/3], sqrt(v̂) = [0.6546537, 1]
    //      dir = [0.3684651, -0.2666667]; r = dir + 0.1*[2.6621377, 3.6314229] = [0.6346789, 0.0964756]
    //      ||w|| = 4.5026891, ||r|| = 0.6419695, trust = 7.0138676; w -= 0.1*trust*r
    opt.step(w, f32(-2, 3, 0, -1), 0.1);
    expectClose(w, [0.9283878, -2.0244871, 2.2169823, 3.5637562]);
  });

  it('clamps the trust ratio at maxTrustRatio', () => {
    // Step 1 as above with maxTrustRatio 2: A keeps 1.5899472, B is clamped from 3.07 to 2:
    // wB = [3, 4] - 0.1*2*[1.1, 1.2] = [2.78, 3.76].
    const opt = new LambOptimizer(layout, { ...hyper, maxTrustRatio: 2 });
    const w = f32(1, -2, 3, 4);
    opt.step(w, g1, 0.1);
    expectClose(w, [0.8427719, -1.8410053, 2.78, 3.76]);
  });

  it('trust ratio 1 where a norm is 0', () => {
    // A: w = 0, so trust 1 and r = dir = [2/2.25, -1/1.25]: w = -0.1*r. B: g = 0 so dir = 0 and
    // r = 0.1*w = [0.3, 0.4], trust = 5/0.5 = 10: w = [3, 4] - 0.1*10*[0.3, 0.4] = [2.7, 3.6].
    const opt = new LambOptimizer(layout, hyper);
    const w = f32(0, 0, 3, 4);
    opt.step(w, f32(2, -1, 0, 0), 0.1);
    expectClose(w, [-0.0888889, 0.08, 2.7, 3.6]);
  });

  it('refuses bad options', () => {
    expect(() => new LambOptimizer(layout, { beta2: 1 })).toThrow('lamb option beta2=1 is invalid');
    expect(() => new LambOptimizer(layout, { maxTrustRatio: 0 })).toThrow('lamb option maxTrustRatio=0 is invalid');
  });
});
