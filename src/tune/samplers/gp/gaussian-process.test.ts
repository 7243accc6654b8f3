import { describe, expect, it } from 'vitest';
import { Rng } from '../../../util/rng.js';
import { GaussianProcess, logPrior, NegativeLogMarginalLikelihood } from './gaussian-process.js';

const f = (x: number): number => Math.sin(6 * x) + x;

describe('Gaussian process', () => {
  const xs = [0.02, 0.15, 0.3, 0.42, 0.55, 0.7, 0.81, 0.97];
  const ys = xs.map(f);
  const gp = GaussianProcess.fit(
    xs.map((x) => [x]),
    ys,
    { rng: new Rng(1) },
  );
  const mean = ys.reduce((s, y) => s + y, 0) / ys.length;
  const variance = ys.reduce((s, y) => s + (y - mean) ** 2, 0) / ys.length;

  it('interpolates noise-free data', () => {
    for (let i = 0; i < xs.length; i++) {
      const p = gp.predict([xs[i]]);
      expect(Math.abs(p.mean - ys[i])).toBeLessThan(1e-3);
      expect(p.variance).toBeLessThan(1e-4 * variance);
    }
    // And in between it is close to the function and uncertain.
    const between = gp.predict([0.36]);
    expect(Math.abs(between.mean - f(0.36))).toBeLessThan(0.05);
    expect(between.variance).toBeGreaterThan(gp.predict([0.3]).variance);
    expect(gp.hyperparameters.noiseVariance).toBeLessThan(1e-3);
  });

  it('reverts to the prior far from the data', () => {
    const far = gp.predict([25]);
    expect(far.mean).toBeCloseTo(mean, 6);
    expect(far.variance).toBeCloseTo(gp.hyperparameters.signalVariance * variance, 6);
  });

  it('has the analytic gradient of the negative log marginal likelihood', () => {
    const rng = new Rng(4);
    const n = 15;
    const d = 3;
    const points = Float64Array.from({ length: n * d }, (_, i) => (i % d === 2 ? rng.int(3) : rng.next()));
    const values = Float64Array.from({ length: n }, (_, i) => Math.cos(4 * points[i * d]) + 0.1 * rng.normal());
    const nll = new NegativeLogMarginalLikelihood(points, values, n, d, [false, false, true]);
    const theta = Float64Array.of(Math.log(0.3), Math.log(1.2), Math.log(0.7), 0.3, Math.log(0.02));
    const gradient = new Float64Array(5);
    nll.evaluate(theta, gradient);
    const prior = new Float64Array(5);
    logPrior(theta, d, prior);
    const scratch = new Float64Array(5);
    for (let k = 0; k < 5; k++) {
      const up = Float64Array.from(theta);
      const down = Float64Array.from(theta);
      up[k] += 1e-6;
      down[k] -= 1e-6;
      expect(gradient[k]).toBeCloseTo((nll.evaluate(up, scratch) - nll.evaluate(down, scratch)) / 2e-6, 6);
      expect(prior[k]).toBeCloseTo((logPrior(up, d, scratch) - logPrior(down, d, scratch)) / 2e-6, 5);
    }
  });

  it('gives an irrelevant input a long length scale and learns the noise', () => {
    const rng = new Rng(9);
    const points = Array.from({ length: 40 }, () => [rng.next(), rng.next()]);
    const clean = GaussianProcess.fit(
      points,
      points.map(([x]) => Math.sin(5 * x)),
      { rng },
    );
    const [relevant, irrelevant] = clean.hyperparameters.lengthScales;
    expect(irrelevant).toBeGreaterThan(3 * relevant);
    const noisy = GaussianProcess.fit(
      points,
      points.map(([x]) => Math.sin(5 * x) + 0.3 * rng.normal()),
      { rng },
    );
    // Standardised units: the noise is about a fifth of the output variance here.
    expect(noisy.hyperparameters.noiseVariance).toBeGreaterThan(0.05);
    expect(clean.hyperparameters.noiseVariance).toBeLessThan(1e-3);
  });

  it('keeps the mean and shrinks the variance when conditioned on its own mean', () => {
    const x = [0.36];
    const before = gp.predict(x);
    const after = gp.condition([x], [before.mean]);
    expect(after.size).toBe(xs.length + 1);
    expect(after.predict(x).mean).toBeCloseTo(before.mean, 6);
    expect(after.predict([0.9]).mean).toBeCloseTo(gp.predict([0.9]).mean, 6);
    // An observation with noise variance σ² leaves at most σ² of latent variance there.
    expect(after.predict(x).variance).toBeLessThanOrEqual(gp.hyperparameters.noiseVariance * variance);
    expect(after.predict(x).variance).toBeLessThan(0.1 * before.variance);
  });

  it('fits the same hyperparameters for the same data and seed', () => {
    const again = GaussianProcess.fit(
      xs.map((x) => [x]),
      ys,
      { rng: new Rng(1) },
    );
    expect(again.hyperparameters).toEqual(gp.hyperparameters);
  });

  it('refuses mismatched data', () => {
    expect(() => GaussianProcess.fit([], [])).toThrow('Gaussian process: no observations to fit');
    expect(() => GaussianProcess.fit([[0], [1]], [1])).toThrow('2 points but 1 values');
    expect(() => GaussianProcess.fit([[0], [1]], [1, NaN], { restarts: 0 })).toThrow('value 1 is NaN, not a finite number');
  });
});
