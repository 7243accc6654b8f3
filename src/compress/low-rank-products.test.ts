import { describe, expect, it } from 'vitest';
import { nativeKernels } from '../native/index.js';
import { Rng } from '../util/rng.js';
import { LowRankProducts } from './low-rank-products.js';

/** m (rows x cols), q (cols x r), p (rows x r), c (rows x cols) and the outputs of P and Q, as views of one workspace. */
function operands(rows: number, cols: number, r: number, seed: number) {
  const workspace = new ArrayBuffer((rows * cols * 2 + 2 * (cols * r + rows * r)) * 4);
  let at = 0;
  const view = (n: number): Float32Array => {
    const v = new Float32Array(workspace, at * 4, n);
    at += n;
    return v;
  };
  const rng = new Rng(seed);
  const [m, q, p, c] = [view(rows * cols), view(cols * r), view(rows * r), view(rows * cols)];
  for (const v of [m, q, p, c]) for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  return { workspace, m, q, p, c, pOut: view(rows * r), qOut: view(cols * r) };
}

/** The products straight from their definitions, in float64. */
function reference(rows: number, cols: number, r: number, m: Float32Array, q: Float32Array, p: Float32Array, c: Float32Array, alpha: number, beta: number) {
  const projected = new Float64Array(rows * r);
  const back = new Float64Array(cols * r);
  const expanded = new Float64Array(rows * cols);
  for (let k = 0; k < r; k++) {
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) projected[k * rows + i] += m[i * cols + j]! * q[k * cols + j]!;
    for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) back[k * cols + j] += m[i * cols + j]! * p[k * rows + i]!;
  }
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let sum = 0;
      for (let k = 0; k < r; k++) sum += p[k * rows + i]! * q[k * cols + j]!;
      expanded[i * cols + j] = alpha * sum + beta * c[i * cols + j]!;
    }
  }
  return { projected, back, expanded };
}

function worstRelative(got: Float32Array, want: Float64Array): number {
  let scale = 1;
  for (const x of want) scale = Math.max(scale, Math.abs(x));
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / scale);
  return worst;
}

const native = nativeKernels();
if (!native) console.warn('native low-rank products skipped: the native addon is not loaded (the JavaScript path is still tested)');

describe('PowerSGD products (P = M Q, Q = M^T P, C = alpha P Q^T + beta C)', () => {
  for (const useNative of native ? [true, false] : [false]) {
    it(`${useNative ? 'native SGEMM' : 'JavaScript loops'}: match float64 references on odd shapes and ranks 1-3`, () => {
      for (const [rows, cols, r] of [[37, 23, 1], [64, 10, 2], [25, 96, 3], [784, 256, 2]] as const) {
        const { workspace, m, q, p, c, pOut, qOut } = operands(rows, cols, r, rows + cols + r);
        const want = reference(rows, cols, r, m, q, p, c, -0.5, 1);
        const products = new LowRankProducts(workspace, cols * r, useNative);
        products.project(m, rows, cols, q, r, pOut);
        products.projectBack(m, rows, cols, p, r, qOut);
        products.expand(p, q, rows, cols, r, c, -0.5, 1);
        expect(worstRelative(pOut, want.projected), `P, ${rows}x${cols} r${r}`).toBeLessThan(1e-5);
        expect(worstRelative(qOut, want.back), `Q, ${rows}x${cols} r${r}`).toBeLessThan(1e-5);
        expect(worstRelative(c, want.expanded), `C, ${rows}x${cols} r${r}`).toBeLessThan(1e-5);
      }
    });
  }
});
