/**
 * PowerSGD (Vogels, Karimireddy & Jaggi, "PowerSGD: Practical Low-Rank Gradient Compression for
 * Distributed Optimization", NeurIPS 2019): each gradient matrix M (n x m) is summed over ranks as
 * a rank-r approximation found by one step of power iteration, warm-started from the last step's Q:
 *
 *   P = M Q;  all-reduce P;  P <- orthonormalize(P);  Q = M^T P;  all-reduce Q;  out = P Q^T
 *
 * Both products are linear in M, so the ranks' P and Q sum to those of the summed M and the
 * result is P P^T (sum of the ranks' M): the projection of the exact sum onto the shared column
 * space. P's scale does not matter (it is orthonormalized), so no division by the world size.
 *
 * - Matrices: a tensor of shape [d0, ..., dk] is the n x m matrix [d0*...*d(k-1), dk], its own
 *   row-major layout: dense weights [in, out], conv filters [kh, kw, inC, outC] as
 *   [kh*kw*inC, outC]. PyTorch's view(out, -1) of [out, in, kh, kw] is this matrix transposed with
 *   rows permuted: the same rank-r problem and the same floats on the wire. A tensor with fewer
 *   than two dimensions or a side of 1 is a vector.
 * - A matrix is compressed when n*m >= minCompressionRate * r*(n+m) (PyTorch's test); vectors and
 *   the other matrices are summed exactly, in the same all-reduce as the P's. A step is two
 *   all-reduces, [dense | every P] then [every Q], whose lengths depend only on the shapes and
 *   options: every rank makes the same calls whatever its data. Before `startStep` a step is one
 *   all-reduce of the whole vector (PyTorch's start_powerSGD_iter).
 * - Q starts from normal draws of Rng.derive(seed, matrix) (the same on every rank) and is
 *   orthonormalized before use, as PyTorch does; without warm start it is drawn afresh from
 *   Rng.derive(seed, matrix, step) at every step. Orthonormalization is modified Gram-Schmidt
 *   dividing by (norm + 1e-8), so a zero column stays zero (PyTorch's orthogonalization_epsilon).
 * - Error feedback (the paper's Algorithm 2, and PyTorch's hook): a rank compresses
 *   M = gradient + residual and then keeps residual = M - out / size, its M less the mean of the
 *   approximation everyone received. Summed over ranks, residual_t = sum(M_t) - out_t, so
 *
 *     sum over steps s <= t of out_s  +  sum over ranks of residual_t  =  sum over steps and ranks of inputs
 *
 *   (per compressed matrix; dense entries, and all entries before startStep, are exact). The
 *   output depends on the residuals only through their sum, so it is what keeping the local error
 *   M - P P^T M would give.
 * - State: [every Q, then every residual (with error feedback)], matrices in segment order.
 * - check: a rank above the smaller side of any matrix in the vector is refused (such a matrix
 *   could never be compressed, since r >= min(n, m) makes r(n+m) > nm).
 */
import { z } from 'zod';
import { LoomError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { checkStateLength, type CompressionTarget, type RoundCollectives, type RoundCompressor } from './compressor.js';
import type { CompressorPlugin } from './plugin.js';
import { LowRankProducts } from './low-rank-products.js';

/** Added to a column's norm before dividing by it (PyTorch's orthogonalization_epsilon). */
const ORTHO_EPSILON = 1e-8;

export interface PowerSgdOptions {
  readonly rank: number;
  readonly startStep: number;
  readonly minCompressionRate: number;
  readonly warmStart: boolean;
}

/** A tensor seen as a matrix, or null for a vector. */
export function matrixShape(shape: readonly number[]): { rows: number; cols: number } | null {
  if (shape.length < 2) return null;
  const cols = shape[shape.length - 1];
  let rows = 1;
  for (let d = 0; d < shape.length - 1; d++) rows *= shape[d];
  return rows >= 2 && cols >= 2 ? { rows, cols } : null;
}

interface Matrix {
  readonly name: string;
  readonly offset: number;
  readonly rows: number;
  readonly cols: number;
  /** Offset of its P (rows x rank, column-major) in the first round's buffer. */
  readonly p: number;
  /** Offset of its Q (cols x rank, column-major) in the second round's buffer. */
  readonly q: number;
  /** Offset of its residual (rows x cols) in the residual buffer. */
  readonly residual: number;
}

export class PowerSgd implements RoundCompressor {
  readonly name: string;
  readonly aggregation = 'rounds' as const;
  readonly rank: number;
  private readonly length: number;
  private readonly size: number;
  private readonly seed: number;
  private readonly startStep: number;
  private readonly warmStart: boolean;
  private readonly matrices: Matrix[] = [];
  /** Entries [start, end) summed exactly, in increasing order. */
  private readonly denseRuns: [number, number][] = [];
  private readonly denseLength: number;
  /** First round: [dense entries | every P]. */
  private readonly round1: Float32Array;
  /** Second round, and warm start's memory: every Q. */
  private readonly qs: Float32Array;
  private readonly residuals: Float32Array | null;
  /** Native products without error feedback: each M copied here, into the products' workspace. */
  private readonly copies: Float32Array | null;
  /** Native products: P Q^T of one matrix, before it goes to `out` (which is not on the workspace). */
  private readonly expanded: Float32Array | null;
  private readonly products: LowRankProducts;
  private exact: Float32Array | null = null;

  constructor(options: PowerSgdOptions, target: CompressionTarget, errorFeedback: boolean) {
    const { rank, minCompressionRate } = options;
    this.rank = rank;
    this.name = `powersgd(${rank})${errorFeedback ? '+ef' : ''}`;
    this.length = target.length;
    this.size = target.size;
    this.seed = target.seed;
    this.startStep = options.startStep;
    this.warmStart = options.warmStart;

    const chosen = [];
    for (const segment of target.segments) {
      const { name, offset, size } = segment;
      if (!Number.isInteger(offset) || offset < 0 || offset + size > target.length) {
        throw new LoomError(`tensor ${name} (offset ${offset}, size ${size}) lies outside the compressed vector of ${target.length} entries`);
      }
      const shape = matrixShape(segment.shape);
      if (!shape || shape.rows * shape.cols !== size) continue;
      const { rows, cols } = shape;
      if (rank <= Math.min(rows, cols) && rows * cols >= minCompressionRate * rank * (rows + cols)) chosen.push({ name, offset, rows, cols });
    }
    const byOffset = [...chosen].sort((a, b) => a.offset - b.offset);
    let at = 0;
    for (const matrix of byOffset) {
      if (matrix.offset < at) throw new LoomError(`tensor ${matrix.name} (offset ${matrix.offset}) overlaps the tensor before it, which ends at ${at}`);
      if (matrix.offset > at) this.denseRuns.push([at, matrix.offset]);
      at = matrix.offset + matrix.rows * matrix.cols;
    }
    if (at < target.length) this.denseRuns.push([at, target.length]);
    this.denseLength = this.denseRuns.reduce((sum, [start, end]) => sum + end - start, 0);

    let p = this.denseLength;
    let q = 0;
    let residual = 0;
    let widest = 0;
    for (const matrix of chosen) {
      this.matrices.push({ ...matrix, p, q, residual });
      p += matrix.rows * rank;
      q += matrix.cols * rank;
      residual += matrix.rows * matrix.cols;
      widest = Math.max(widest, matrix.cols * rank);
    }
    // One workspace for every operand of the products, as the native SGEMM reads one memory.
    const native = LowRankProducts.nativeAvailable();
    const largest = Math.max(0, ...this.matrices.map((m) => m.rows * m.cols));
    const lengths = [p, q, errorFeedback ? residual : 0, native && !errorFeedback ? residual : 0, native ? largest : 0];
    const workspace = new ArrayBuffer(lengths.reduce((a, b) => a + b, 0) * 4);
    const views: Float32Array[] = [];
    let viewStart = 0;
    for (const length of lengths) {
      views.push(new Float32Array(workspace, viewStart * 4, length));
      viewStart += length;
    }
    [this.round1, this.qs] = views as [Float32Array, Float32Array];
    this.residuals = errorFeedback ? views[2]! : null;
    this.copies = native && !errorFeedback ? views[3]! : null;
    this.expanded = native ? views[4]! : null;
    this.products = new LowRankProducts(workspace, widest, native);
    this.matrices.forEach((matrix, index) => this.drawQ(matrix, Rng.derive(this.seed, index)));
  }

  /** Floats this rank all-reduces at a compressed step: dense entries, then every P and every Q. */
  get floatsPerStep(): number {
    return this.round1.length + this.qs.length;
  }

  async reduce(input: Float32Array, out: Float32Array, step: number, collectives: RoundCollectives): Promise<number> {
    if (input.length !== this.length || out.length !== this.length) {
      throw new LoomError(`${this.name}: expected vectors of ${this.length} entries, got ${input.length} in and ${out.length} out`);
    }
    if (step < this.startStep || this.matrices.length === 0) {
      const exact = (this.exact ??= new Float32Array(this.length));
      collectives.local(() => exact.set(input));
      await collectives.sum(exact);
      collectives.local(() => out.set(exact));
      return exact.byteLength;
    }
    const { round1, qs } = this;
    const ms = collectives.local(() => this.firstRound(input, step));
    await collectives.sum(round1);
    collectives.local(() => this.secondRound(out, ms));
    await collectives.sum(qs);
    collectives.local(() => this.approximate(out, ms));
    return (round1.length + qs.length) * 4;
  }

  /** Round 1's buffer: the dense runs as they are, then P = M Q for every matrix (Q orthonormalized). Returns the Ms. */
  private firstRound(input: Float32Array, step: number): Float32Array[] {
    const { round1, qs, rank, matrices } = this;
    let at = 0;
    for (const [start, end] of this.denseRuns) {
      round1.set(input.subarray(start, end), at);
      at += end - start;
    }
    const ms: Float32Array[] = [];
    matrices.forEach((matrix, index) => {
      const m = this.corrected(matrix, input);
      ms.push(m);
      if (!this.warmStart) this.drawQ(matrix, Rng.derive(this.seed, index, step));
      const q = qs.subarray(matrix.q, matrix.q + matrix.cols * rank);
      orthonormalize(q, matrix.cols, rank);
      this.products.project(m, matrix.rows, matrix.cols, q, rank, round1.subarray(matrix.p, matrix.p + matrix.rows * rank));
    });
    return ms;
  }

  /** The summed dense runs into `out`; Q = M^T P with the summed P orthonormalized. */
  private secondRound(out: Float32Array, ms: readonly Float32Array[]): void {
    const { round1, qs, rank, matrices } = this;
    let at = 0;
    for (const [start, end] of this.denseRuns) {
      out.set(round1.subarray(at, at + end - start), start);
      at += end - start;
    }
    matrices.forEach((matrix, index) => {
      const p = round1.subarray(matrix.p, matrix.p + matrix.rows * rank);
      orthonormalize(p, matrix.rows, rank);
      this.products.projectBack(ms[index]!, matrix.rows, matrix.cols, p, rank, qs.subarray(matrix.q, matrix.q + matrix.cols * rank));
    });
  }

  /** P Q^T of every matrix into `out`; with error feedback, what it leaves out stays in the residuals. */
  private approximate(out: Float32Array, ms: readonly Float32Array[]): void {
    const { round1, qs, rank, matrices, residuals } = this;
    const invSize = 1 / this.size;
    matrices.forEach((matrix, index) => {
      const { rows, cols } = matrix;
      const size = rows * cols;
      const p = round1.subarray(matrix.p, matrix.p + rows * rank);
      const q = qs.subarray(matrix.q, matrix.q + cols * rank);
      const approximation = out.subarray(matrix.offset, matrix.offset + size);
      // The native products write only on their workspace: expand there, then copy out.
      const expanded = this.expanded?.subarray(0, size) ?? approximation;
      this.products.expand(p, q, rows, cols, rank, expanded);
      if (expanded !== approximation) approximation.set(expanded);
      if (residuals) this.products.expand(p, q, rows, cols, rank, ms[index]!, -invSize, 1);
    });
  }

  /** M for this step: the input's block, plus the residual (kept in place) with error feedback. */
  private corrected(matrix: Matrix, input: Float32Array): Float32Array {
    const size = matrix.rows * matrix.cols;
    const grad = input.subarray(matrix.offset, matrix.offset + size);
    if (!this.residuals) {
      if (!this.copies) return grad;
      const copy = this.copies.subarray(matrix.residual, matrix.residual + size);
      copy.set(grad);
      return copy;
    }
    const m = this.residuals.subarray(matrix.residual, matrix.residual + size);
    for (let i = 0; i < size; i++) m[i] += grad[i]!;
    return m;
  }

  private drawQ(matrix: Matrix, rng: Rng): void {
    const end = matrix.q + matrix.cols * this.rank;
    for (let i = matrix.q; i < end; i++) this.qs[i] = rng.normal();
  }

  /** [every Q, then every residual]. */
  saveState(): Float32Array | null {
    const residualLength = this.residuals?.length ?? 0;
    if (this.qs.length + residualLength === 0) return null;
    const state = new Float32Array(this.qs.length + residualLength);
    state.set(this.qs);
    if (this.residuals) state.set(this.residuals, this.qs.length);
    return state;
  }

  loadState(state: Float32Array): void {
    checkStateLength(this.name, state, this.qs.length + (this.residuals?.length ?? 0));
    this.qs.set(state.subarray(0, this.qs.length));
    this.residuals?.set(state.subarray(this.qs.length));
  }
}

/** Modified Gram-Schmidt on the `cols` columns (each `rows` long, contiguous) of `a`, in place. */
export function orthonormalize(a: Float32Array, rows: number, cols: number): void {
  for (let k = 0; k < cols; k++) {
    const kb = k * rows;
    let squares = 0;
    for (let i = 0; i < rows; i++) squares += a[kb + i] * a[kb + i];
    const scale = 1 / (Math.sqrt(squares) + ORTHO_EPSILON);
    for (let i = 0; i < rows; i++) a[kb + i] *= scale;
    for (let l = k + 1; l < cols; l++) {
      const lb = l * rows;
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += a[kb + i] * a[lb + i];
      for (let i = 0; i < rows; i++) a[lb + i] -= dot * a[kb + i];
    }
  }
}

const powerSgdOptions = z.strictObject({
  rank: z.number().int('expected a whole number >= 1').min(1, 'expected a whole number >= 1').default(2),
  startStep: z.number().int('expected a whole number of steps').min(0, 'expected a whole number of steps').default(0),
  minCompressionRate: z.number().min(1, 'expected a number >= 1').default(2),
  warmStart: z.boolean().default(true),
});

/**
 * Refuses a rank above the smaller side of any matrix in the vector, naming the matrix with the
 * smallest such side. Such a matrix could never be compressed (r >= min(n, m) makes r(n+m) > nm),
 * so a rank above it means the configuration was not meant for this model.
 */
function checkRank(rank: number, target: CompressionTarget): void {
  let tightest: { name: string; side: number } | null = null;
  for (const segment of target.segments) {
    const shape = matrixShape(segment.shape);
    if (!shape) continue;
    const side = Math.min(shape.rows, shape.cols);
    if (rank > side && (!tightest || side < tightest.side)) tightest = { name: segment.name, side };
  }
  if (tightest) throw new LoomError(`powersgd compressor option rank=${rank} is invalid: it exceeds ${tightest.name}'s smaller side (${tightest.side})`);
}

export const powerSgdPlugin: CompressorPlugin<z.infer<typeof powerSgdOptions>> = {
  type: 'powersgd',
  options: powerSgdOptions,
  ownErrorFeedback: true,
  check: (options, target) => checkRank(options.rank, target),
  needsAllReduce: true,
  create: (options, target, errorFeedback) => new PowerSgd(options, target, errorFeedback),
};
