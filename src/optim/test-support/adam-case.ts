import { f32 } from './expect-close.js';

/**
 * The hand-computed Adam case shared by adam.test.ts and adamw.test.ts: w0 = [1, -2],
 * g1 = [2, -1], g2 = [-2, 3], beta1 0.5, beta2 0.75, eps 0.25 (large so that it shows), lr 0.1.
 */
export const adamCase = {
  w0: [1, -2],
  g1: f32(2, -1),
  g2: f32(-2, 3),
  hyper: { beta1: 0.5, beta2: 0.75, eps: 0.25 },
};
