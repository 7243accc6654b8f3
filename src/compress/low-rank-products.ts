/**
 * The three matrix products of PowerSGD (powersgd.ts), with M row-major (rows x cols) and P, Q
 * column-major (rows x r, cols x r), i.e. row-major P^T (r x rows) and Q^T (r x cols):
 *
 *   project      P = M Q       as  P^T = Q^T M^T
 *   projectBack  Q = M^T P     as  Q^T = P^T M
 *   expand       C = alpha P Q^T + beta C
 *
 * They run in the native addon's SGEMM where it is built and every operand is a view of the
 * workspace this object was made for (the SGEMM takes byte offsets into one memory), else in the
 * JavaScript loops below (M^T P accumulated in float64). Either way a rank's result is its own; the
 * ranks' P and Q are then summed by an all-reduce, which gives every rank the same bits.
 */
import { nativeKernels, type NativeKernels } from '../native/index.js';

export class LowRankProducts {
  private readonly native: NativeKernels | null;
  private readonly accumulator: Float64Array;

  /** `workspace`: the buffer the operands are views of; `widest`: the largest cols * r. */
  constructor(private readonly workspace: ArrayBuffer, widest: number, useNative = true) {
    this.native = useNative ? nativeKernels() : null;
    this.accumulator = new Float64Array(this.native ? 0 : widest);
  }

  /** Whether the native products can run here (the addon is built and loaded). */
  static nativeAvailable(): boolean {
    return nativeKernels() !== null;
  }

  project(m: Float32Array, rows: number, cols: number, q: Float32Array, r: number, p: Float32Array): void {
    if (this.onWorkspace(m, q, p)) {
      this.native!.sgemm({ memory: this.workspace, a: q.byteOffset, b: m.byteOffset, c: p.byteOffset, m: r, n: rows, k: cols, transB: true });
      return;
    }
    multiplyJs(m, rows, cols, q, r, p);
  }

  projectBack(m: Float32Array, rows: number, cols: number, p: Float32Array, r: number, q: Float32Array): void {
    if (this.onWorkspace(m, p, q)) {
      this.native!.sgemm({ memory: this.workspace, a: p.byteOffset, b: m.byteOffset, c: q.byteOffset, m: r, n: cols, k: rows });
      return;
    }
    multiplyTransposedJs(m, rows, cols, p, r, q, this.accumulator);
  }

  expand(p: Float32Array, q: Float32Array, rows: number, cols: number, r: number, out: Float32Array, alpha = 1, beta = 0): void {
    if (this.onWorkspace(p, q, out)) {
      this.native!.sgemm({ memory: this.workspace, a: p.byteOffset, b: q.byteOffset, c: out.byteOffset, m: rows, n: cols, k: r, transA: true, alpha, beta });
      return;
    }
    if (alpha === 1 && beta === 0) return outerProductJs(p, q, rows, cols, r, out);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        let sum = 0;
        for (let k = 0; k < r; k++) sum += p[k * rows + i] * q[k * cols + j];
        out[i * cols + j] = (beta === 0 ? 0 : beta * out[i * cols + j]) + alpha * sum;
      }
    }
  }

  private onWorkspace(...views: Float32Array[]): boolean {
    return this.native !== null && views.every((v) => v.buffer === this.workspace);
  }
}

/**
 * p = m q: m row-major rows x cols, q and p column-major (cols x r, rows x r). Row dot products,
 * two columns of q per pass over a row.
 */
function multiplyJs(m: Float32Array, rows: number, cols: number, q: Float32Array, r: number, p: Float32Array): void {
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let k = 0;
    for (; k + 1 < r; k += 2) {
      const q0 = k * cols;
      const q1 = q0 + cols;
      let s0 = 0;
      let s1 = 0;
      for (let j = 0; j < cols; j++) {
        const x = m[base + j];
        s0 += x * q[q0 + j];
        s1 += x * q[q1 + j];
      }
      p[k * rows + i] = s0;
      p[(k + 1) * rows + i] = s1;
    }
    if (k < r) {
      const q0 = k * cols;
      let s0 = 0;
      for (let j = 0; j < cols; j++) s0 += m[base + j] * q[q0 + j];
      p[k * rows + i] = s0;
    }
  }
}

/** q = m^T p, accumulated row by row of m in float64, two columns of p per pass. */
function multiplyTransposedJs(m: Float32Array, rows: number, cols: number, p: Float32Array, r: number, q: Float32Array, acc: Float64Array): void {
  acc.fill(0, 0, cols * r);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let k = 0;
    for (; k + 1 < r; k += 2) {
      const a0 = k * cols;
      const a1 = a0 + cols;
      const p0 = p[k * rows + i];
      const p1 = p[(k + 1) * rows + i];
      for (let j = 0; j < cols; j++) {
        const x = m[base + j];
        acc[a0 + j] += p0 * x;
        acc[a1 + j] += p1 * x;
      }
    }
    if (k < r) {
      const a0 = k * cols;
      const p0 = p[k * rows + i];
      for (let j = 0; j < cols; j++) acc[a0 + j] += p0 * m[base + j];
    }
  }
  for (let x = 0; x < cols * r; x++) q[x] = acc[x];
}

/** out = p q^T (rows x cols, row-major), two columns at a time. */
function outerProductJs(p: Float32Array, q: Float32Array, rows: number, cols: number, r: number, out: Float32Array): void {
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let k = 0;
    if (r % 2 === 1) {
      const p0 = p[i];
      for (let j = 0; j < cols; j++) out[base + j] = p0 * q[j];
      k = 1;
    } else {
      out.fill(0, base, base + cols);
    }
    for (; k + 1 < r; k += 2) {
      const q0 = k * cols;
      const q1 = q0 + cols;
      const p0 = p[k * rows + i];
      const p1 = p[(k + 1) * rows + i];
      for (let j = 0; j < cols; j++) out[base + j] += p0 * q[q0 + j] + p1 * q[q1 + j];
    }
  }
}

