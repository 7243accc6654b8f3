/**
 * The rules on the native kernels against the same rules on the TypeScript path: coordinate-wise
 * median, trimmed mean, geometric median, Krum, Multi-Krum and Bulyan (and the average), for odd
 * and even n, lengths that are not a multiple of a vector or block, Byzantine outliers, and NaN and
 * Infinity inputs. Skipped, with the loader's reason, where the addon is not built.
 */
import { describe, expect, it } from 'vitest';
import { nativeKernels, nativeStatus } from '../../native/index.js';
import { uniformRandom } from '../../native/test-support/random.js';
import type { Aggregator } from '../aggregator.js';
import { average, bulyan, coordinateMedian, geometricMedian, krum, multiKrum, trimmedMean } from '../index.js';
import { onTypeScriptPath } from './native-path.js';

const native = nativeKernels();
if (native === null) console.warn(`native-path rule tests skipped: ${nativeStatus().reason}`);

/** n - f honest vectors around a common centre, f far away (or, with `nonFinite`, holding NaN and Infinity). */
function workers(n: number, f: number, d: number, seed: number, nonFinite = false): Float32Array[] {
  const next = uniformRandom(seed);
  const centre = Float32Array.from({ length: d }, () => next());
  return Array.from({ length: n }, (_, i) => {
    const v = centre.map((c) => c + 0.3 * next());
    if (i >= n - f) {
      if (nonFinite) v.forEach((_, j) => (v[j] = j % 3 === 0 ? NaN : j % 3 === 1 ? Infinity : -Infinity));
      else v.forEach((t, j) => (v[j] = t * 50 + (j % 2 ? 100 : -100)));
    }
    return v;
  });
}

function both(rule: Aggregator, x: Float32Array[]): [Float32Array, Float32Array] {
  const d = x[0]!.length;
  const fast = new Float32Array(d);
  const exact = new Float32Array(d);
  rule.aggregate(x, fast);
  onTypeScriptPath(() => rule.aggregate(x, exact));
  return [fast, exact];
}

function expectWithin(fast: Float32Array, exact: Float32Array, tolerance: number, label: string): void {
  for (let j = 0; j < exact.length; j++) {
    const a = fast[j]!;
    const e = exact[j]!;
    const same = (Number.isNaN(a) && Number.isNaN(e)) || a === e || Math.abs(a - e) <= tolerance * Math.max(1, Math.abs(e));
    if (!same) expect.fail(`${label}[${j}]: native ${a}, TypeScript ${e}`);
  }
}

const SHAPES = [
  { n: 7, f: 1, d: 1 },
  { n: 10, f: 2, d: 63 },
  { n: 11, f: 2, d: 130 },
  { n: 15, f: 3, d: 1001 },
  { n: 32, f: 4, d: 2049 },
];

describe.skipIf(native === null)('rules on the native kernels agree with the TypeScript path', () => {
  for (const { n, f, d } of SHAPES) {
    for (const nonFinite of [false, true]) {
      const label = `n=${n} f=${f} d=${d}${nonFinite ? ' NaN/Inf' : ''}`;
      const x = workers(n, f, d, n * 1000 + d, nonFinite);

      it(`order statistics and the average, ${label}`, () => {
        for (const rule of [coordinateMedian(f), coordinateMedian(f, { even: 'lower' }), trimmedMean(f), average()]) {
          const [fast, exact] = both(rule, x);
          expectWithin(fast, exact, 0, `${rule.name} ${label}`);
        }
      });

      it(`Krum and Multi-Krum choose the same inputs, ${label}`, () => {
        for (const rule of [krum(f), multiKrum(f), multiKrum(f, { m: 2, neighbours: 'n-f-1' })]) {
          const [fast, exact] = both(rule, x);
          expectWithin(fast, exact, 0, `${rule.name} ${label}`);
        }
      });

      it.runIf(n >= 4 * f + 3)(`Bulyan, ${label}`, () => {
        const [fast, exact] = both(bulyan(f), x);
        expectWithin(fast, exact, 2 ** -22, `bulyan ${label}`);
      });

      it(`the geometric median, ${label}`, () => {
        const [fast, exact] = both(geometricMedian(f), x);
        expectWithin(fast, exact, 1e-5, `geometric-median ${label}`);
      });
    }
  }

  it('the geometric median still refuses inputs that are all non-finite', () => {
    expect(() => geometricMedian(0).aggregate([Float32Array.of(NaN, 1)], new Float32Array(2))).toThrow(
      'geometric-median: every input has a non-finite value',
    );
  });
});
