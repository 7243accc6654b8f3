/**
 * Delay compensation for asynchronous pushes: Zheng, Meng, Wang, Chen, Yu, Ma, Liu, "Asynchronous
 * Stochastic Gradient Descent with Delay Compensation" (DC-ASGD), ICML 2017.
 *
 * A worker's gradient g was computed at the parameters it last pulled, w_bak; by the time the
 * server applies it the parameters are w_now. DC-ASGD takes the first-order Taylor expansion of the
 * gradient around w_bak, with the Hessian approximated by lambda x the outer product g g^T, kept to
 * its diagonal:
 *
 *   g' = g + lambda * g ⊙ g ⊙ (w_now - w_bak)
 *
 * DC-ASGD-c keeps lambda constant; DC-ASGD-a adapts it element-wise to the gradient's scale,
 * lambda_t = lambda0 / sqrt(MeanSquare(t)), MeanSquare(t) = m * MeanSquare(t-1) + (1 - m) * g ⊙ g
 * (m = 0.95 in the paper; one moving average per parameter, over every push the server takes).
 *
 * The scale of g: a parameter server's worker pushes its mini-batch mean gradient weighted by its
 * share of the global batch (about 1/n of it for n workers), while the paper's g is a worker's
 * mini-batch mean gradient. The compensation term is quadratic in g, so lambda only keeps the
 * paper's meaning if it is computed on the mean gradient: g = scale x pushed (scale = n, exact when
 * the global batch splits evenly), compensated, then weighted back (divided by scale). DC-ASGD-a is
 * invariant to that scale (lambda0 g² / sqrt(MeanSquare) scales as g), DC-ASGD-c is not.
 */

export interface DelayCompensationOptions {
  /** lambda (DC-ASGD-c) or lambda0 (DC-ASGD-a). */
  readonly lambda: number;
  /** DC-ASGD-a: lambda_t = lambda0 / sqrt(MeanSquare(t)), element-wise. */
  readonly adaptive: boolean;
  /** m of MeanSquare (DC-ASGD-a only). */
  readonly meanSquareDecay: number;
}

/**
 * Compensates `pushed` (a worker's gradient slice, weighted by 1 / `scale`) in place for the move
 * of the parameters from `backup` (what the worker pulled) to `now`. With `meanSquare` (DC-ASGD-a)
 * the moving average is updated with this push's squared mean gradient first, then used.
 */
export function compensateGradient(
  pushed: Float32Array,
  now: Float32Array,
  backup: Float32Array,
  options: DelayCompensationOptions,
  scale: number,
  meanSquare: Float32Array | null,
): void {
  const { lambda, meanSquareDecay: m } = options;
  const n = pushed.length;
  const unscale = 1 / scale;
  if (!options.adaptive) {
    for (let j = 0; j < n; j++) {
      const g = scale * pushed[j]!; // the worker's mean gradient
      pushed[j] = (g + lambda * g * g * (now[j]! - backup[j]!)) * unscale;
    }
    return;
  }
  if (!meanSquare) throw new Error('compensateGradient: DC-ASGD-a needs its MeanSquare buffer');
  for (let j = 0; j < n; j++) {
    const g = scale * pushed[j]!;
    const ms = m * meanSquare[j]! + (1 - m) * g * g;
    meanSquare[j] = ms;
    // ms >= (1 - m) g², so the term stays bounded by lambda0 |g| |Δ| / sqrt(1 - m); ms = 0 only where g = 0.
    if (ms > 0) pushed[j] = (g + (lambda / Math.sqrt(ms)) * g * g * (now[j]! - backup[j]!)) * unscale;
  }
}

/**
 * A server shard's delay compensation: per worker, a copy of the shard's parameters as that worker
 * last pulled them (memory: workers x shard), and DC-ASGD-a's MeanSquare. Neither is checkpointed:
 * a resumed run starts them again (every worker pulls the resumed parameters; MeanSquare from 0).
 */
export class DelayCompensation {
  private readonly backups: Float32Array[];
  private readonly meanSquare: Float32Array | null;

  constructor(
    private readonly options: DelayCompensationOptions,
    workers: number,
    /** The parameters every worker starts from. */
    params: Float32Array,
    /** The pushed gradients' weighting: mean gradient = scale x pushed (the number of workers). */
    private readonly scale: number,
  ) {
    this.backups = Array.from({ length: workers }, () => params.slice());
    this.meanSquare = options.adaptive ? new Float32Array(params.length) : null;
  }

  /** Worker `i` pulls `params` (call when its reply goes out). */
  pulled(i: number, params: Float32Array): void {
    this.backups[i]!.set(params);
  }

  /** Compensates worker `i`'s pushed gradient in place, against the parameters `now`. */
  compensate(i: number, pushed: Float32Array, now: Float32Array): void {
    compensateGradient(pushed, now, this.backups[i]!, this.options, this.scale, this.meanSquare);
  }
}
