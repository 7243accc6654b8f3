import { describe, expect, it } from 'vitest';
import { directionNumbers, SOBOL_MAX_DIMENSION } from './sobol-direction-numbers.js';
import { SobolSequence } from './sobol-sequence.js';

/** Which of the 2^m intervals [j / 2^m, (j + 1) / 2^m) each point's coordinate falls in. */
const cells = (xs: readonly number[], m: number): number[] => xs.map((x) => Math.floor(x * 2 ** m));

/** Every coordinate of the 2^m points from `start` (a multiple of 2^m) lands once in each interval. */
function expectBalanced(sequence: SobolSequence, start: number, m: number): void {
  for (let d = 0; d < SOBOL_MAX_DIMENSION; d++) {
    const xs = Array.from({ length: 2 ** m }, (_, i) => sequence.coordinate(start + i, d));
    expect(new Set(cells(xs, m)).size, `dimension ${d}, m ${m}, start ${start}`).toBe(2 ** m);
  }
}

describe('SobolSequence', () => {
  it('starts with the known points of the plain 2-D and 3-D sequence', () => {
    const plain = new SobolSequence();
    const first = Array.from({ length: 10 }, (_, n) => plain.point(n, 3));
    // Worked by hand from the direction numbers (dimension 2: m = 1, 3, 5, ...; dimension 3: m = 1, 1, 7, ...).
    expect(first).toEqual([
      [0, 0, 0],
      [0.5, 0.5, 0.5],
      [0.75, 0.25, 0.25],
      [0.25, 0.75, 0.75],
      [0.375, 0.375, 0.625],
      [0.875, 0.875, 0.125],
      [0.625, 0.125, 0.875],
      [0.125, 0.625, 0.375],
      [0.1875, 0.3125, 0.9375],
      [0.6875, 0.8125, 0.4375],
    ]);
    expect(Array.from({ length: 5 }, (_, n) => plain.point(n + 1, 2))).toEqual([
      [0.5, 0.5],
      [0.75, 0.25],
      [0.25, 0.75],
      [0.375, 0.375],
      [0.875, 0.875],
    ]);
  });

  it('agrees with scipy.stats.qmc.Sobol(40, scramble=False, bits=32) far into the sequence', () => {
    // Reference: scipy 1.17, engine.fast_forward(n); engine.random(1) * 2**32 (the integers of point n).
    const reference: Record<number, number[]> = {
      123456789: [
        4191448864, 3403469216, 27513184, 3903213344, 3757488416, 3656567136, 4188913952, 2973295136, 2755610016, 1734853024,
        3409663200, 4213708384, 1570447136, 3096593248, 4176221984, 2949493536, 4171319072, 4127893280, 769731488, 4190508256,
        1024633568, 1649796960, 470057248, 2974561376, 3832241696, 377167264, 1741236256, 2813804768, 1962431520, 591289056,
        3336476640, 2082040352, 897328480, 1179273824, 1975455328, 1181468256, 1176455328, 352425248, 576818848, 4284203552,
      ],
      3000000000: [
        9313751, 206004777, 3953899511, 1280606549, 2532171339, 2057589177, 3942453765, 3496341047, 2506015463, 2449807935,
        2908598875, 596686715, 1759334153, 2656689653, 1372678755, 1119803815, 205290789, 3002993055, 3132494017, 1191084345,
        2037385631, 1635394239, 4161538079, 1463884019, 4211777659, 905893461, 3120874069, 1752222743, 3015793575, 477903723,
        819378795, 3671122593, 3130029293, 4201861355, 3195908589, 3768573667, 3487358511, 3764242467, 2712532235, 4094526423,
      ],
    };
    const plain = new SobolSequence();
    for (const [n, ints] of Object.entries(reference)) {
      expect(plain.point(Number(n), SOBOL_MAX_DIMENSION).map((x) => x * 2 ** 32)).toEqual(ints);
    }
  });

  it('has direction numbers whose generator matrices are unit upper triangular (every m_k odd, m_k < 2^k)', () => {
    expect(SOBOL_MAX_DIMENSION).toBe(40);
    for (let d = 0; d < SOBOL_MAX_DIMENSION; d++) {
      const v = directionNumbers(d);
      for (let k = 0; k < 32; k++) {
        const lead = 2 ** (31 - k);
        expect(Math.floor(v[k] / lead) % 2, `dimension ${d}, v_${k + 1}`).toBe(1);
        expect(v[k] % lead, `dimension ${d}, v_${k + 1}`).toBe(0);
      }
    }
    expect(() => directionNumbers(40)).toThrow(RangeError);
  });

  it('puts each aligned block of 2^m points once in each of the 2^m intervals of every coordinate', () => {
    const plain = new SobolSequence();
    const scrambled = new SobolSequence(7);
    for (const m of [1, 2, 3, 5, 8]) {
      for (const start of [0, 2 ** m, 5 * 2 ** m, 2 ** 20]) {
        expectBalanced(plain, start, m);
        expectBalanced(scrambled, start, m);
      }
    }
    // A block that is not aligned need not be balanced: points 1..4 of the plain sequence put none in [0, 0.25) and two in [0.25, 0.5).
    expect(cells([1, 2, 3, 4].map((n) => plain.coordinate(n, 0)), 2).sort()).toEqual([1, 1, 2, 3]);
  });

  it('scrambles deterministically per seed, differently across seeds, and away from the plain points', () => {
    const a = new SobolSequence(3);
    const b = new SobolSequence(3);
    const c = new SobolSequence(4);
    const plain = new SobolSequence();
    const points = (s: SobolSequence): number[][] => Array.from({ length: 16 }, (_, n) => s.point(n, 5));
    expect(points(a)).toEqual(points(b));
    const differs = (p: number[][], q: number[][]): number => p.flat().filter((x, i) => x !== q.flat()[i]).length;
    expect(differs(points(a), points(c))).toBeGreaterThan(70); // of 80 coordinates
    expect(differs(points(a), points(plain))).toBeGreaterThan(70);
    // The origin is not a point of the scrambled sequence, and every coordinate stays in [0, 1).
    expect(a.point(0, 5).some((x) => x === 0)).toBe(false);
    for (const x of points(a).flat()) expect(x >= 0 && x < 1).toBe(true);
  });
});
