/**
 * BOHB's kernel density estimator: a product kernel over the parameters — a Gaussian for each
 * numerical one (on the unit scale) and an Aitchison-Aitken kernel for each categorical one
 * (1 − λ on the observed choice, λ / (c − 1) on each other) — with the normal-reference
 * bandwidths of statsmodels' KDEMultivariate, which HpBandSter's BOHB fits:
 * h_j = 1.06 · σ_j · n^(−1/(4+d)), σ_j the population standard deviation of column j (categorical
 * columns too, as their choice indices), clipped below at `minBandwidth`.
 * S. Falkner, A. Klein, F. Hutter, "BOHB: Robust and Efficient Hyperparameter Optimization at
 * Scale", ICML 2018, section 3.1; J. Aitchison, C. G. G. Aitken, "Multivariate binary
 * discrimination by the kernel method", Biometrika 63(3), 1976.
 *
 * Two guards statsmodels lacks: a categorical kernel counts all c choices of the parameter (not
 * only the ones present in the data, which makes the density infinite elsewhere), and λ is capped
 * at (c − 1) / c, where the kernel is uniform (the rule can give λ > 1 for a many-choice
 * parameter, and 1 − λ < 0 is no density).
 */
import type { Rng } from '../../../util/rng.js';

/** Per column: 0 for a numerical parameter (values in [0, 1]), c for a categorical one with c choices (values 0..c-1). */
export type ColumnLevels = readonly number[];

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** statsmodels' normal_reference rule, clipped below at `minBandwidth`, categorical λ capped at (c − 1) / c. */
export function normalReferenceBandwidths(data: readonly (readonly number[])[], levels: ColumnLevels, minBandwidth: number): Float64Array {
  const n = data.length;
  const d = levels.length;
  const factor = 1.06 * n ** (-1 / (4 + d));
  const bandwidths = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (const row of data) mean += row[j] / n;
    let variance = 0;
    for (const row of data) variance += (row[j] - mean) ** 2 / n;
    let h = Math.max(minBandwidth, factor * Math.sqrt(variance));
    if (levels[j] > 0) h = Math.min(h, (levels[j] - 1) / levels[j]);
    bandwidths[j] = h;
  }
  return bandwidths;
}

export class ProductKde {
  readonly bandwidths: Float64Array;

  /** `data`: one row per observation, in the column order of `levels`; at least one row. */
  constructor(
    readonly data: readonly (readonly number[])[],
    readonly levels: ColumnLevels,
    minBandwidth: number,
  ) {
    this.bandwidths = normalReferenceBandwidths(data, levels, minBandwidth);
  }

  /** log of (1/n) Σ_i Π_j k_j(x_j; X_ij), summed in log space so that many dimensions do not underflow. */
  logPdf(x: readonly number[]): number {
    const n = this.data.length;
    const terms = new Float64Array(n);
    let top = -Infinity;
    for (let i = 0; i < n; i++) {
      const row = this.data[i];
      let log = 0;
      for (let j = 0; j < this.levels.length; j++) {
        const h = this.bandwidths[j];
        const c = this.levels[j];
        if (c === 0) {
          const z = (x[j] - row[j]) / h;
          log += -0.5 * z * z - LOG_SQRT_2PI - Math.log(h);
        } else if (c > 1) {
          log += x[j] === row[j] ? Math.log(1 - h) : Math.log(h / (c - 1));
        }
      }
      terms[i] = log;
      if (log > top) top = log;
    }
    if (top === -Infinity) return -Infinity;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(terms[i] - top);
    return top + Math.log(sum) - Math.log(n);
  }

  /**
   * A draw near a random observation, as HpBandSter proposes candidates: each numerical value from
   * a Gaussian with `bandwidthFactor` times the bandwidth, truncated to [0, 1]; each categorical
   * kept with probability 1 − λ, else a uniform choice (the bandwidth not widened).
   */
  sample(rng: Rng, bandwidthFactor: number): number[] {
    const row = this.data[rng.int(this.data.length)];
    return this.levels.map((c, j) => {
      const h = this.bandwidths[j];
      if (c > 0) return rng.next() < 1 - h ? row[j] : rng.int(c);
      return truncatedNormal(rng, row[j], h * bandwidthFactor);
    });
  }
}

/**
 * N(mu, sigma) conditioned on [0, 1], by rejection: mu lies in [0, 1], so with the default
 * widening (sigma <= 3 · 1.06 · 0.5) at least a fifth of the mass is inside, and a few tries suffice.
 */
function truncatedNormal(rng: Rng, mu: number, sigma: number): number {
  for (;;) {
    const x = mu + sigma * rng.normal();
    if (x >= 0 && x <= 1) return x;
  }
}
