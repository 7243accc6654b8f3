/**
 * Expected improvement below the best value so far, for a normal posterior N(μ, σ²):
 *   EI = E[max(best − f, 0)] = (best − μ) Φ(z) + σ φ(z) = σ h(z),   z = (best − μ) / σ,
 * with h(z) = z Φ(z) + φ(z). Far from the data h underflows (z = −40 gives 1e−350) and, before
 * that, the two terms cancel, so candidates are ranked by log EI, where for z ≤ −3
 * h(z) = φ(z) (1 − t R(t)), t = −z, comes from Laplace's continued fraction for Mills' ratio
 * R(t) = (1 − Φ(t)) / φ(t) = 1/(t + 1/(t + 2/(t + 3/(t + …)))) without cancellation.
 * D. R. Jones, M. Schonlau, W. J. Welch, "Efficient Global Optimization of Expensive Black-Box
 * Functions", J. Global Optim. 13, 1998 (Eq. 15); the continued fraction: M. Abramowitz,
 * I. A. Stegun, "Handbook of Mathematical Functions", 1964, 26.2.14.
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The complementary error function, relative error below 1.2e-7 everywhere (a Chebyshev fit of
 * erfc(x) · exp(x²)): W. H. Press et al., "Numerical Recipes in C", 2nd ed., 1992, §6.2, erfcc.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const value = t * Math.exp(-z * z + poly);
  return x >= 0 ? value : 2 - value;
}

export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
}

export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** log h(z), h(z) = z Φ(z) + φ(z) = E[max(z − N(0, 1), 0)]. */
export function logH(z: number): number {
  if (z > -3) {
    const h = z * normalCdf(z) + normalPdf(z);
    if (h > 0) return Math.log(h);
  }
  // h(−t) = φ(t) / (D0 D1) with D_k = t + (k + 1) / D_{k+1}: R(t) = 1/D0, 1 − t R(t) = 1/(D0 D1).
  // Forty levels give a relative error below 1e-13 from t = 3 on.
  const t = -z;
  let next = t;
  let d1 = t;
  for (let k = 39; k >= 0; k--) {
    d1 = next;
    next = t + (k + 1) / next;
  }
  const d0 = next;
  return -0.5 * t * t - LOG_SQRT_2PI - Math.log(d0 * d1);
}

/** EI for minimisation at a posterior with mean `mean` and standard deviation `std`. */
export function expectedImprovement(mean: number, std: number, best: number): number {
  if (!(std > 0)) return Math.max(best - mean, 0);
  const z = (best - mean) / std;
  return std * (z * normalCdf(z) + normalPdf(z));
}

/** log EI, finite wherever std > 0 (−Infinity where std = 0 and mean ≥ best). */
export function logExpectedImprovement(mean: number, std: number, best: number): number {
  if (!(std > 0)) return Math.log(Math.max(best - mean, 0));
  return Math.log(std) + logH((best - mean) / std);
}
