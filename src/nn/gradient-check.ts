/**
 * Finite-difference check of a model's lossAndGrad, for tests and for validating new kernels.
 * Central differences (L(p + eps v) - L(p - eps v)) / 2 eps, on a few single coordinates and one
 * random direction per segment (which covers every coordinate of it at once). The loss is
 * `evaluate`'s mean, summed in float64 from float32 logits, to keep rounding noise low.
 *
 * Several steps may be given: a kink (relu, a max-pool window changing its maximum) within a
 * step of the point corrupts that central difference, and with hundreds of pool windows such
 * kinks lie ~1e-3 apart. A check passes when any step agrees: a correct gradient agrees at a step
 * that straddles no kink, while a wrong one, the differences being smooth elsewhere, at none.
 */
import type { Batch } from '../data/dataset.js';
import { Rng } from '../util/index.js';
import type { Model } from './model.js';

export interface GradientCheckOptions {
  /** Step(s); default 1e-2 (float32: steps much below 1e-3 drown in rounding noise). */
  readonly eps?: number | readonly number[];
  /** Single coordinates checked per segment; default 3. */
  readonly coordsPerSegment?: number;
  /** Tolerance: |numeric - analytic| <= rtol * max(|numeric|, |analytic|) + atol. */
  readonly rtol?: number;
  readonly atol?: number;
  readonly seed?: number;
}

export interface GradientCheckEntry {
  readonly segment: string;
  /** Coordinate within the segment, or -1 for the random direction. */
  readonly index: number;
  readonly analytic: number;
  /** The central difference closest to `analytic` over the steps tried. */
  readonly numeric: number;
  readonly ok: boolean;
}

export interface GradientCheckReport {
  readonly entries: readonly GradientCheckEntry[];
  readonly failures: readonly GradientCheckEntry[];
}

export function checkGradients(model: Model, batch: Batch, options: GradientCheckOptions = {}): GradientCheckReport {
  const { eps = 1e-2, coordsPerSegment = 3, rtol = 1e-2, atol = 1e-4, seed = 0 } = options;
  const rng = new Rng(seed);
  const grad = new Float32Array(model.params.length);
  model.lossAndGrad(batch, grad);
  const meanLoss = () => {
    const sums = model.evaluate(batch);
    return sums.lossSum / sums.count;
  };
  const entries: GradientCheckEntry[] = [];
  const steps = typeof eps === 'number' ? [eps] : eps;
  const agrees = (analytic: number, numeric: number) =>
    Math.abs(numeric - analytic) <= rtol * Math.max(Math.abs(numeric), Math.abs(analytic)) + atol;
  const record = (segment: string, index: number, analytic: number, along: (step: number) => number) => {
    let numeric = NaN;
    for (const step of steps) {
      const candidate = along(step);
      if (Number.isNaN(numeric) || Math.abs(candidate - analytic) < Math.abs(numeric - analytic)) numeric = candidate;
      if (agrees(analytic, numeric)) break;
    }
    entries.push({ segment, index, analytic, numeric, ok: agrees(analytic, numeric) });
  };

  for (const s of model.segments) {
    const view = model.params.subarray(s.offset, s.offset + s.size);
    const original = Float32Array.from(view);
    const along = (direction: Float32Array) => (step: number): number => {
      for (let i = 0; i < view.length; i++) view[i] = original[i] + step * direction[i];
      const plus = meanLoss();
      for (let i = 0; i < view.length; i++) view[i] = original[i] - step * direction[i];
      const minus = meanLoss();
      view.set(original);
      return (plus - minus) / (2 * step);
    };
    const count = Math.min(coordsPerSegment, s.size);
    for (let c = 0; c < count; c++) {
      const index = rng.int(s.size);
      const unit = new Float32Array(s.size);
      unit[index] = 1;
      record(s.name, index, grad[s.offset + index], along(unit));
    }
    // Random +-1/sqrt(n) direction: unit length, so the step stays eps whatever the segment size.
    const direction = new Float32Array(s.size);
    let analytic = 0;
    for (let i = 0; i < s.size; i++) {
      direction[i] = (rng.next() < 0.5 ? -1 : 1) / Math.sqrt(s.size);
      analytic += direction[i] * grad[s.offset + i];
    }
    record(s.name, -1, analytic, along(direction));
  }
  return { entries, failures: entries.filter((e) => !e.ok) };
}
