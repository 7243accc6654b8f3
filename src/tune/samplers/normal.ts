/**
 * The standard normal pieces TPE's truncated Gaussian kernels need: the CDF (through erfc, W. J.
 * Cody's rational approximations as in Numerical Recipes' erfcc, |error| < 1.2e-7), the log
 * density, and the log of the mass of an interval (by the upper tail where both ends are above 0,
 * so that far-tail intervals keep their precision).
 */
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z <= x). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

export function logNormalPdf(x: number, mu: number, sigma: number): number {
  const z = (x - mu) / sigma;
  return -0.5 * z * z - LOG_SQRT_2PI - Math.log(sigma);
}

/** log P(a <= Z <= b) for a standard normal Z, a <= b; -Infinity for an empty or vanishing interval. */
export function logNormalMass(a: number, b: number): number {
  // Upper tails are computed directly by erfc, which keeps relative precision far out.
  const mass = a > 0 ? normalCdf(-a) - normalCdf(-b) : b < 0 ? normalCdf(b) - normalCdf(a) : 1 - normalCdf(a) - normalCdf(-b);
  return mass > 0 ? Math.log(mass) : -Infinity;
}
