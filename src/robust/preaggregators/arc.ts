/**
 * Adaptive robust clipping, ARC (Allouah, Guerraoui, Gupta, Pinot, Rizk, "Boosting Robustness by
 * Clipping Gradients in Distributed Learning", arXiv:2405.14432, 2024): the k = floor(2 (f / n)
 * (n - f)) inputs of largest norm are clipped to the norm of the (k+1)-th largest; the rest pass
 * unchanged. NaN or infinite norms rank as largest (and are zeroed when clipped).
 */
import { checkF } from '../aggregator.js';
import { clipToNorm, type PreAggregator } from '../preaggregator.js';
import { norm } from '../vectors.js';

export function arc(f: number): PreAggregator {
  checkF('arc', f);
  return {
    name: 'arc',
    apply(inputs) {
      const n = inputs.length;
      const k = Math.floor((2 * f * (n - f)) / n);
      if (k <= 0 || k >= n) return inputs.map((x) => Float32Array.from(x));
      const norms = inputs.map((x) => {
        const v = norm(x);
        return Number.isNaN(v) ? Infinity : v;
      });
      const byNorm = Array.from(norms.keys()).sort((a, b) => norms[b]! - norms[a]! || a - b);
      const bound = norms[byNorm[k]!]!;
      const clipped = new Set(byNorm.slice(0, k));
      return inputs.map((x, i) => {
        if (!clipped.has(i)) return Float32Array.from(x);
        return Number.isFinite(norms[i]!) ? clipToNorm(x, bound, norms[i]) : new Float32Array(x.length);
      });
    },
  };
}
