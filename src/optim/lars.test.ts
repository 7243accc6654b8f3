import { describe, expect, it } from 'vitest';
import { LarsOptimizer } from './lars.js';
import { expectClose, f32 } from './test-support/expect-close.js';

// Two segments: A = [0, 2) shaped [1, 2], w = [3, 4] (||w|| = 5); B = [2, 4), w = [0, 2] (||w|| = 2).
// eta 0.1, wd 0.1, lr 0.5. trust = eta*||w|| / (||g|| + wd*||w||).
const matrices = { length: 4, segments: [{ offset: 0, size: 2, shape: [1, 2] }, { offset: 2, size: 2, shape: [2, 1] }] };

describe('LarsOptimizer', () => {
  it('one trust ratio per segment, with momentum', () => {
    const opt = new LarsOptimizer(matrices, { momentum: 0.9, weightDecay: 0.1, trustCoefficient: 0.1 });
    const w = f32(3, 4, 0, 2);
    // step 1: gA = [0.6, 0.8] (norm 1): trust 0.1*5/(1 + 0.5) = 1/3; d = (g + 0.1w)/3 = [0.3, 0.4]
    //         gB = [1, 0] (norm 1): trust 0.1*2/(1 + 0.2) = 1/6; d = ([1, 0] + [0, 0.2])/6 = [1/6, 1/30]
    //         buf = d; w1 = w - 0.5*d = [2.85, 3.8, -1/12, 2 - 1/60]
    opt.step(w, f32(0.6, 0.8, 1, 0), 0.5);
    expectClose(w, [2.85, 3.8, -0.0833333, 1.9833333]);
    // step 2: gA = [0, 1]: ||wA|| = sqrt(2.85^2 + 3.8^2) = 4.75; trust = 0.475/1.475 = 0.3220339
    //         d = trust*([0, 1] + [0.285, 0.38]) = [0.0917797, 0.4444068]
    //         buf = 0.9*[0.3, 0.4] + d = [0.3617797, 0.8044068]; wA = wA - 0.5*buf
    //         gB = [0.5, 0.5] (norm 0.7071068): ||wB|| = sqrt(1/144 + (119/60)^2) = 1.9850832
    //         trust = 0.19850832/(0.7071068 + 0.19850832) = 0.2191972
    //         d = trust*([0.5, 0.5] + [-0.0083333, 0.1983333]) = [0.1077720, 0.1530728]
    //         buf = 0.9*[1/6, 1/30] + d = [0.2577720, 0.1830728]; wB = wB - 0.5*buf
    opt.step(w, f32(0, 1, 0.5, 0.5), 0.5);
    expectClose(w, [2.6691102, 3.3977966, -0.2122193, 1.891797]);
  });

  it('excludes 1-D segments from adaptation and decay by default', () => {
    const layout = { length: 4, segments: [{ offset: 0, size: 2, shape: [1, 2] }, { offset: 2, size: 2, shape: [2] }] };
    const g = f32(0.6, 0.8, 1, 0);
    // A as above without momentum: w = [3, 4] - 0.5*[0.3, 0.4]. B (a bias): w = [0, 2] - 0.5*[1, 0].
    const excluded = new LarsOptimizer(layout, { momentum: 0, weightDecay: 0.1, trustCoefficient: 0.1 });
    const w = f32(3, 4, 0, 2);
    excluded.step(w, g, 0.5);
    expectClose(w, [2.85, 3.8, -0.5, 2]);
    // excludeBiases false: B adapted like a matrix, trust 1/6 and decay: [0, 2] - 0.5*[1/6, 1/30].
    const adapted = new LarsOptimizer(layout, { momentum: 0, weightDecay: 0.1, trustCoefficient: 0.1, excludeBiases: false });
    const v = f32(3, 4, 0, 2);
    adapted.step(v, g, 0.5);
    expectClose(v, [2.85, 3.8, -0.0833333, 1.9833333]);
  });

  it('trust ratio 1 where the weight or gradient norm is 0', () => {
    const opt = new LarsOptimizer(matrices, { momentum: 0, weightDecay: 0.1, trustCoefficient: 0.1 });
    // A: w = 0, so d = g + 0 = [1, 2]: w = -0.5*[1, 2]. B: g = 0, so d = 0.1*w = [0.1, 0.2]: w = [1, 2] - [0.05, 0.1].
    const w = f32(0, 0, 1, 2);
    opt.step(w, f32(1, 2, 0, 0), 0.5);
    expectClose(w, [-0.5, -1, 0.95, 1.9]);
  });

  it('refuses bad options', () => {
    expect(() => new LarsOptimizer(matrices, { trustCoefficient: 0 })).toThrow('lars option trustCoefficient=0 is invalid');
    expect(() => new LarsOptimizer(matrices, { momentum: -0.9 })).toThrow('lars option momentum=-0.9 is invalid');
  });
});
