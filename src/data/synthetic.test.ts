import { describe, expect, it } from 'vitest';
import { makeBlobs, makeLinearRegression } from './synthetic.js';

describe('Gaussian blobs', () => {
  it('is balanced, seeded, and separable when separation is large', () => {
    const a = makeBlobs({ classes: 4, dims: 5, trainSize: 400, testSize: 100, separation: 8, seed: 3 });
    const b = makeBlobs({ classes: 4, dims: 5, trainSize: 400, testSize: 100, separation: 8, seed: 3 });
    const c = makeBlobs({ classes: 4, dims: 5, trainSize: 400, testSize: 100, separation: 8, seed: 4 });
    expect(a.train.inputs).toEqual(b.train.inputs);
    expect(a.train.inputs).not.toEqual(c.train.inputs);
    expect(a.train.inputShape).toEqual([5]);
    expect(a.train.numClasses).toBe(4);
    const counts = [0, 0, 0, 0];
    for (const l of a.train.labels!) counts[l]++;
    expect(counts).toEqual([100, 100, 100, 100]);
    // Nearest-centre classification is almost perfect at this separation.
    const { inputs, targets } = a.test.batch(Array.from({ length: 100 }, (_, i) => i));
    let correct = 0;
    for (let i = 0; i < 100; i++) {
      let best = -1;
      let bestDist = Infinity;
      for (let k = 0; k < 4; k++) {
        let d = 0;
        for (let j = 0; j < 5; j++) d += (inputs[i * 5 + j] - a.centres[k * 5 + j]) ** 2;
        if (d < bestDist) [best, bestDist] = [k, d];
      }
      if (best === targets[i]) correct++;
    }
    expect(correct).toBeGreaterThanOrEqual(97);
    for (let k = 0; k < 4; k++) {
      expect(Math.hypot(...a.centres.subarray(k * 5, k * 5 + 5))).toBeCloseTo(8, 4);
    }
  });

  it('refuses bad arguments, naming the value', () => {
    expect(() => makeBlobs({ classes: 1, dims: 2, trainSize: 10, testSize: 10 })).toThrow('classes must be an integer >= 2, got 1');
    expect(() => makeBlobs({ classes: 2, dims: 2, trainSize: 10, testSize: 10, separation: -1 })).toThrow(
      'blobs separation must be a positive number, got -1',
    );
  });
});

describe('linear regression', () => {
  it('has float targets, numClasses 0, and follows the true weights', () => {
    const { train, weights, bias } = makeLinearRegression({ dims: 3, trainSize: 200, testSize: 10, noise: 0, seed: 1 });
    expect(train.numClasses).toBe(0);
    expect(train.labels).toBeUndefined();
    const batch = train.batch([0, 199]);
    expect(batch.targets).toBeInstanceOf(Float32Array);
    for (let i = 0; i < 2; i++) {
      let y = bias;
      for (let d = 0; d < 3; d++) y += weights[d] * batch.inputs[i * 3 + d];
      expect(batch.targets[i]).toBeCloseTo(y, 5);
    }
  });

  it('adds noise of the given standard deviation', () => {
    const { train, weights, bias } = makeLinearRegression({ dims: 2, trainSize: 20000, testSize: 1, noise: 0.5, seed: 2 });
    let sumSq = 0;
    for (let i = 0; i < train.size; i++) {
      const r = train.targets[i] - bias - weights[0] * train.inputs[2 * i] - weights[1] * train.inputs[2 * i + 1];
      sumSq += r * r;
    }
    expect(Math.sqrt(sumSq / train.size)).toBeCloseTo(0.5, 1);
    expect(() => makeLinearRegression({ dims: 2, trainSize: 1, testSize: 1, noise: -0.1 })).toThrow(
      'linear noise must be a non-negative number, got -0.1',
    );
  });
});
