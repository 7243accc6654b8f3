/**
 * The native robust-aggregation kernels (native/robust_*.cc, weiszfeld.cc, row_average.cc) against
 * the TypeScript path of src/robust: the coordinate-wise median (both even-n conventions), trimmed
 * mean and mean around the median for n = 1..40 (the sorting network for every size), lengths
 * that are not a multiple of the 64-coordinate block or a vector, ties, signed zeros, NaN and
 * +-Infinity; pairwise distances from the Gram matrix (every GEMM micro-kernel) including
 * duplicates, near-duplicates, overflow, underflow and non-finite rows; the Weiszfeld step; the
 * row average; then argument validation. Skipped, with the loader's reason, where the addon is not
 * built.
 */
import { describe, expect, it } from 'vitest';
import { averageOf } from '../robust/aggregator.js';
import { coordinateMedian } from '../robust/aggregators/coordinate-median.js';
import { meamed } from '../robust/aggregators/meamed.js';
import { forEachSortedCoordinate } from '../robust/aggregators/coordinate-order.js';
import { meanAroundMedian } from '../robust/aggregators/mean-around-median.js';
import { onTypeScriptPath } from '../robust/aggregators/native-path.js';
import { trimmedMean } from '../robust/aggregators/trimmed-mean.js';
import { exactPairwiseSquaredDistances } from '../robust/pairwise-distances.js';
import { squaredDistance } from '../robust/vectors.js';
import { nativeKernels, nativeStatus, type NativeBinding } from './index.js';
import { uniformRandom } from './test-support/random.js';

const native = nativeKernels();
if (native === null) console.warn(`native robust-aggregation tests skipped: ${nativeStatus().reason}`);

type Flavour = 'uniform' | 'ties' | 'zeros' | 'non-finite';

/** n vectors of d floats: uniform, small integers (many ties), signed zeros, or sprinkled with NaN and +-Infinity. */
function inputs(n: number, d: number, flavour: Flavour, seed: number): Float32Array[] {
  const next = uniformRandom(seed);
  const special = [NaN, Infinity, -Infinity];
  return Array.from({ length: n }, () =>
    Float32Array.from({ length: d }, () => {
      const u = next();
      if (flavour === 'ties') return Math.round(u * 3);
      if (flavour === 'zeros') return u < -0.3 ? -0 : u < 0.3 ? 0 : Math.round(u * 2);
      if (flavour === 'non-finite' && next() > 0.85) return special[Math.floor((next() + 1) * 1.5) % 3]!;
      return u * 10;
    }),
  );
}

/** Equal as numbers (NaN equals NaN, -0 equals +0), or within `relative` of the expected value. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, relative = 0, label = ''): void {
  expect(actual.length).toBe(expected.length);
  for (let j = 0; j < expected.length; j++) {
    const a = actual[j]!;
    const e = expected[j]!;
    if (Number.isNaN(e) || !Number.isFinite(e) || relative === 0) {
      if (!(Number.isNaN(a) && Number.isNaN(e)) && a !== e) expect.fail(`${label}[${j}]: ${a} !== ${e}`);
    } else if (Math.abs(a - e) > relative * Math.max(Math.abs(e), 1e-30)) {
      expect.fail(`${label}[${j}]: ${a} differs from ${e} by more than ${relative} relative`);
    }
  }
}

const SIZES = Array.from({ length: 40 }, (_, i) => i + 1);
const LENGTHS = [1, 7, 63, 64, 65, 200];
const FLAVOURS: Flavour[] = ['uniform', 'ties', 'zeros', 'non-finite'];

describe.skipIf(native === null)('native coordinate-wise order statistics', () => {
  const kernels = native!;
  const cases = SIZES.flatMap((n) => FLAVOURS.map((flavour, k) => ({ n, flavour, d: LENGTHS[(n + k) % LENGTHS.length]! })));

  it('median: both even-n conventions, as the TypeScript path', () => {
    for (const { n, d, flavour } of cases) {
      const x = inputs(n, d, flavour, n * 31 + d);
      for (const even of ['mean', 'lower'] as const) {
        const out = new Float32Array(d);
        const ref = new Float32Array(d);
        kernels.coordinateMedian(x, out, even);
        onTypeScriptPath(() => coordinateMedian(0, { even }).aggregate(x, ref));
        expectClose(out, ref, 0, `median n=${n} d=${d} ${flavour} ${even}`);
      }
    }
  });

  it('trimmed mean: every f with 2f < n, the same doubles summed in the same order', () => {
    for (const { n, d, flavour } of cases) {
      const x = inputs(n, d, flavour, n * 37 + d);
      for (let f = 0; 2 * f < n; f += Math.max(1, n >> 2)) {
        const out = new Float32Array(d);
        const ref = new Float32Array(d);
        kernels.trimmedMean(x, out, f);
        onTypeScriptPath(() => trimmedMean(f).aggregate(x, ref));
        expectClose(out, ref, 0, `trimmed n=${n} f=${f} d=${d} ${flavour}`);
      }
    }
  });

  it('mean around the median: every count, ties to the lower value, the walk on non-finite columns', () => {
    for (const { n, d, flavour } of cases) {
      const x = inputs(n, d, flavour, n * 41 + d);
      for (let count = 1; count <= n; count++) {
        const out = new Float32Array(d);
        const ref = new Float32Array(d);
        kernels.meanAroundMedian(x, out, count);
        forEachSortedCoordinate(x, d, (j, sorted) => (ref[j] = meanAroundMedian(sorted, count)));
        // the window is summed from its bottom, the walk outwards: the doubles may differ in the last bit
        expectClose(out, ref, 2 ** -22, `around n=${n} count=${count} d=${d} ${flavour}`);
      }
    }
  });

  it('meamed takes the native path and agrees with the TypeScript one', () => {
    const x = inputs(9, 300, 'non-finite', 5);
    const out = new Float32Array(300);
    const ref = new Float32Array(300);
    meamed(3).aggregate(x, out);
    onTypeScriptPath(() => meamed(3).aggregate(x, ref));
    expectClose(out, ref, 2 ** -22, 'meamed');
  });

  it('reads inputs at offsets inside shared buffers and leaves them untouched', () => {
    const d = 70;
    const buffer = new Float32Array(5 * d + 3);
    const next = uniformRandom(9);
    for (let i = 0; i < buffer.length; i++) buffer[i] = next();
    const x = Array.from({ length: 5 }, (_, i) => buffer.subarray(3 + i * d, 3 + (i + 1) * d));
    const before = buffer.slice();
    const out = new Float32Array(d);
    const ref = new Float32Array(d);
    kernels.coordinateMedian(x, out, 'mean');
    onTypeScriptPath(() => coordinateMedian(2).aggregate(x, ref));
    expectClose(out, ref, 0, 'views');
    expect(buffer).toEqual(before);
  });
});

describe.skipIf(native === null)('native pairwise squared distances', () => {
  const kernels = native!;

  /** The native matrix against the exact one: diagonal 0, symmetric, Infinity where exact is, else within `relative`. */
  function check(x: Float32Array[], relative: number, label: string): void {
    const got = kernels.pairwiseSquaredDistances(x);
    const exact = exactPairwiseSquaredDistances(x);
    const n = x.length;
    for (let a = 0; a < n; a++) {
      expect(got[a * n + a], label).toBe(0);
      for (let b = 0; b < n; b++) {
        expect(got[a * n + b], label).toBe(got[b * n + a]);
        const e = exact[a * n + b]!;
        const g = got[a * n + b]!;
        if (e === Infinity) expect(g, `${label} (${a}, ${b})`).toBe(Infinity);
        else if (Math.abs(g - e) > relative * e) expect.fail(`${label} (${a}, ${b}): ${g} vs exact ${e}`);
      }
    }
  }

  for (const kernel of native?.available ?? []) {
    it(`within 2^-11 (typically 1e-6) of the exact distances, ${kernel} GEMM`, () => {
      const previous = kernels.setKernel(kernel);
      try {
        for (const [n, d] of [[1, 5], [2, 1], [3, 127], [5, 128], [7, 129], [13, 1000], [32, 3001]] as const) {
          check(inputs(n, d, 'uniform', n + d), 1e-5, `n=${n} d=${d}`);
          check(inputs(n, d, 'ties', n * d), 1e-5, `ties n=${n} d=${d}`);
        }
      } finally {
        kernels.setKernel(previous);
      }
    });
  }

  it('recomputes pairs the Gram matrix would cancel: duplicates are exactly 0, near-duplicates exact', () => {
    const d = 1000;
    const base = inputs(1, d, 'uniform', 3)[0]!.map((v) => v + 100); // large norm, small differences
    const copy = base.slice();
    const near = base.map((v, j) => (j % 100 === 0 ? v + 0.01 : v));
    const far = inputs(1, d, 'uniform', 4)[0]!;
    const x = [base, copy, near, far];
    const got = kernels.pairwiseSquaredDistances(x);
    expect(got[1]).toBe(0);
    expect(got[2]).toBe(squaredDistance(base, near));
    expect(Math.abs(got[1 * 4 + 2]! - squaredDistance(copy, near))).toBeLessThan(1e-12);
    check(x, 1e-5, 'near-duplicates');
  });

  it('is +Infinity for a row with NaN or Infinity, and exact where float32 products over- or underflow', () => {
    const x = inputs(6, 300, 'uniform', 8);
    x[1]![17] = NaN;
    x[4]![299] = -Infinity;
    check(x, 1e-5, 'non-finite');
    const huge = inputs(4, 50, 'uniform', 10).map((v) => v.map((t) => t * 1e37)); // products overflow float32
    check(huge, 1e-5, 'huge');
    const tiny = inputs(4, 50, 'uniform', 11).map((v) => v.map((t) => t * 1e-30)); // products underflow
    check(tiny, 1e-5, 'tiny');
  });
});

describe.skipIf(native === null)('native Weiszfeld step and row average', () => {
  const kernels = native!;

  it('weiszfeldStep: the weighted mean in double and the squared distances to it', () => {
    for (const [n, d] of [[1, 1], [3, 7], [8, 511], [9, 512], [11, 1025]] as const) {
      const x = inputs(n, d, 'uniform', n * 3 + d);
      const next = uniformRandom(d);
      const w = Float64Array.from({ length: n }, () => next() + 1.5);
      const z = new Float64Array(d);
      const squared = new Float64Array(n);
      kernels.weiszfeldStep(x, w, z, squared);
      const weightSum = w.reduce((s, v) => s + v, 0);
      const ref = new Float64Array(d);
      x.forEach((v, i) => v.forEach((t, j) => (ref[j]! += w[i]! * t)));
      ref.forEach((t, j) => (ref[j] = t / weightSum));
      expectClose(z, ref, 1e-14, `z n=${n} d=${d}`);
      expectClose(squared, x.map((v) => squaredDistance(ref, v)), 1e-12, `squared n=${n} d=${d}`);
    }
  });

  it('weiszfeldStep: +Infinity for every input once one has a non-finite entry', () => {
    const x = inputs(4, 20, 'uniform', 2);
    x[2]![5] = NaN;
    const squared = new Float64Array(4);
    kernels.weiszfeldStep(x, new Float64Array(4).fill(1), new Float64Array(20), squared);
    expect(Array.from(squared)).toEqual([Infinity, Infinity, Infinity, Infinity]);
  });

  it('rowAverage: averageOf, bit for bit, NaN and Infinity included', () => {
    for (const [n, d] of [[1, 3], [4, 1023], [5, 1024], [28, 1025]] as const) {
      const x = inputs(n, d, 'non-finite', n + d);
      const out = new Float32Array(d);
      const ref = new Float32Array(d);
      kernels.rowAverage(x, out);
      averageOf(x, Array.from(x.keys()), ref);
      expectClose(out, ref, 0, `average n=${n} d=${d}`);
    }
  });
});

describe.skipIf(native === null)('native robust kernels: argument checks', () => {
  const kernels = native!;
  const b = native?.binding as NativeBinding; // read only inside the (skipped) tests
  const x = inputs(3, 8, 'uniform', 1);
  const out = new Float32Array(8);

  it('refuses inputs that are not a non-empty array of Float32Array of one length', () => {
    expect(() => b.coordinateMedian([], out, false)).toThrow('coordinateMedian: inputs must be a non-empty array of Float32Array (got an empty array)');
    expect(() => b.trimmedMean('x' as unknown as Float32Array[], out, 1)).toThrow('trimmedMean: inputs must be a non-empty array of Float32Array (got a string)');
    expect(() => b.rowAverage([x[0]!, new Float64Array(8) as unknown as Float32Array], out)).toThrow('rowAverage: inputs[1] must be a Float32Array (got an object)');
    expect(() => b.meanAroundMedian([x[0]!, new Float32Array(7)], out, 1)).toThrow('meanAroundMedian: inputs[1] has 7 values; expected 8');
    expect(() => b.pairwiseSquaredDistances([x[0]!, new Float32Array(9)], new Float64Array(4))).toThrow(
      'pairwiseSquaredDistances: inputs[1] has 9 values; expected 8',
    );
  });

  it('refuses bad parameters and argument counts', () => {
    expect(() => b.trimmedMean(x, out, 2)).toThrow('trimmedMean: f must be an integer in [0, 1] (got 2)');
    expect(() => b.meanAroundMedian(x, out, 0)).toThrow('meanAroundMedian: count must be an integer in [1, 3] (got 0)');
    expect(() => b.meanAroundMedian(x, out, 4)).toThrow('meanAroundMedian: count must be an integer in [1, 3] (got 4)');
    expect(() => b.coordinateMedian(x, out, 1 as unknown as boolean)).toThrow('coordinateMedian: lower must be a boolean (got 1)');
    expect(() => (b.rowAverage as unknown as (...a: unknown[]) => void)(x)).toThrow('rowAverage: expected 2 arguments, got 1');
  });

  it('refuses outputs that overlap an input or have the wrong length', () => {
    expect(() => b.coordinateMedian(x, x[1]!, false)).toThrow(/coordinateMedian: out \(bytes \d+\.\.\d+\) overlaps inputs\[1\]/);
    const shared = new Float32Array(16);
    expect(() => b.rowAverage([shared.subarray(0, 8)], shared.subarray(4, 12))).toThrow(/rowAverage: out .* overlaps inputs\[0\]/);
    expect(() => b.pairwiseSquaredDistances(x, new Float64Array(8))).toThrow('pairwiseSquaredDistances: out has 8 values; expected n * n = 9');
    const w = new Float64Array(3);
    expect(() => b.weiszfeldStep(x, w, new Float64Array(8), new Float64Array(2))).toThrow('weiszfeldStep: squared has 2 values; expected n = 3');
    expect(() => b.weiszfeldStep(x, new Float64Array(2), new Float64Array(8), new Float64Array(3))).toThrow('weiszfeldStep: weights has 2 values; expected n = 3');
    expect(() => b.weiszfeldStep(x, w, new Float64Array(7), new Float64Array(3))).toThrow('weiszfeldStep: inputs[0] has 8 values; expected 7');
    const doubles = new Float64Array(16);
    expect(() => b.weiszfeldStep(x, w, doubles.subarray(0, 8), doubles.subarray(6, 9))).toThrow(/weiszfeldStep: z .* overlaps squared/);
    expect(() => b.weiszfeldStep(x, doubles.subarray(0, 3), doubles.subarray(2, 10), new Float64Array(3))).toThrow(/weiszfeldStep: z .* overlaps weights/);
  });

  it('handles zero-length vectors', () => {
    const empty = [new Float32Array(0), new Float32Array(0)];
    expect(() => kernels.coordinateMedian(empty, new Float32Array(0), 'mean')).not.toThrow();
    expect(Array.from(kernels.pairwiseSquaredDistances(empty))).toEqual([0, 0, 0, 0]);
    kernels.rowAverage(empty, new Float32Array(0));
  });
});
