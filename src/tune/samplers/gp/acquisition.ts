/**
 * Maximising an acquisition function over the encoded search space without its gradient: score
 * many uniform candidates (global) and perturbations of a few anchor points, the best observed
 * ones (local: EI's maximum is often close to the incumbent), then improve the best few by
 * coordinate (compass) search — each coordinate moved ± a step, the step quartered after a sweep
 * that finds nothing, down to 1e-4 of the range. Stepped and categorical coordinates move to
 * their neighbouring values, so every point scored is one a trial can take.
 * E. D. Dolan, R. M. Lewis, V. Torczon, "On the local convergence of pattern search", SIAM J.
 * Optim. 14, 2003 (compass search).
 */
import type { Rng } from '../../../util/rng.js';
import type { SpaceEncoding } from './encoding.js';

export interface AcquisitionSearchOptions {
  /** Uniform candidates. */
  readonly candidates: number;
  /** Points to perturb (the best observed ones). */
  readonly anchors: readonly ArrayLike<number>[];
  /** Perturbations of each anchor, at scales cycling through 0.01, 0.05, 0.2 of the range. */
  readonly perAnchor: number;
  /** How many of the best candidates to refine by coordinate search. */
  readonly refine: number;
}

export interface AcquisitionMaximum {
  readonly x: Float64Array;
  readonly score: number;
}

const PERTURBATION_SCALES = [0.01, 0.05, 0.2];
const MAX_SWEEPS = 30;

export function maximizeAcquisition(score: (x: Float64Array) => number, domain: SpaceEncoding, rng: Rng, options: AcquisitionSearchOptions): AcquisitionMaximum {
  const scored: AcquisitionMaximum[] = [];
  const add = (x: Float64Array): void => {
    const s = score(x);
    scored.push({ x, score: Number.isNaN(s) ? -Infinity : s });
  };
  for (let i = 0; i < options.candidates; i++) add(domain.random(rng));
  for (const anchor of options.anchors) {
    for (let i = 0; i < options.perAnchor; i++) add(domain.perturb(anchor, PERTURBATION_SCALES[i % PERTURBATION_SCALES.length], rng));
  }
  // Stable sort: among equal scores the earlier candidate wins, so the result is deterministic.
  scored.sort((a, b) => b.score - a.score);
  let best = scored[0];
  for (const start of scored.slice(0, options.refine)) {
    const refined = coordinateSearch(score, domain, start);
    if (refined.score > best.score) best = refined;
  }
  return best;
}

function coordinateSearch(score: (x: Float64Array) => number, domain: SpaceEncoding, start: AcquisitionMaximum): AcquisitionMaximum {
  const x = Float64Array.from(start.x);
  let current = start.score;
  let step = 0.05;
  const trial = new Float64Array(x.length);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let improved = false;
    for (let j = 0; j < x.length; j++) {
      for (const v of domain.moves(j, x[j], step)) {
        trial.set(x);
        trial[j] = v;
        const s = score(trial);
        if (s > current) {
          current = s;
          x[j] = v;
          improved = true;
        }
      }
    }
    if (!improved) {
      if (!domain.hasContinuous) break;
      step /= 4;
      if (step < 1e-4) break;
    }
  }
  return { x, score: current };
}
