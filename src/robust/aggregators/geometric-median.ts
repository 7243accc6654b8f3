/**
 * Geometric median by smoothed Weiszfeld iterations, the robust aggregate of RFA (Pillutla, Kakade,
 * Harchaoui, "Robust Aggregation for Federated Learning", IEEE TSP 2022; Weiszfeld 1937): the point
 * z minimising sum_i ||z - x_i||, approached by z <- sum_i w_i x_i / sum_i w_i with
 * w_i = 1 / max(nu, ||z - x_i||). Tolerates f < n/2 (breakdown point 1/2).
 *
 * Defaults: start from the average, nu = 1e-6, at most 100 iterations, stop when the objective
 * improves by less than 1e-7 relative. (ByzFL runs 3 iterations with nu = 0.1 — a cheap
 * approximation; set `maxIterations` and `nu` for that.) Inputs with a non-finite distance (NaN or
 * Infinity entries) get weight 0.
 *
 * With the native kernels each iteration is one `weiszfeldStep` (native/weiszfeld.cc): the weighted
 * mean and the distances from it to every input in one pass, the distances serving both the
 * objective and the next weights.
 */
import type { NativeKernels } from '../../native/index.js';
import { z } from 'zod';
import { defineRule, HONEST_MAJORITY, RobustRuleError, type Aggregator } from '../aggregator.js';
import { nonNegativeNumber, positiveInteger, positiveNumber } from '../option-fields.js';
import { parseOptions } from '../options.js';
import { squaredDistance } from '../vectors.js';
import { robustKernels } from './native-path.js';

export const geometricMedianOptionsSchema = z.strictObject({
  /** Smoothing: distances below nu count as nu (no division by zero at a data point). */
  nu: positiveNumber.default(1e-6),
  maxIterations: positiveInteger.default(100),
  /** Relative improvement of the objective below which the iteration stops. */
  tolerance: nonNegativeNumber.default(1e-7),
});

export type GeometricMedianOptions = z.input<typeof geometricMedianOptionsSchema>;

function distance(z: Float64Array, x: Float32Array): number {
  return Math.sqrt(squaredDistance(z, x));
}

/** The objective sum_i ||z - x_i|| over the inputs at a finite distance. */
function objective(z: Float64Array, inputs: readonly Float32Array[]): number {
  let total = 0;
  for (const x of inputs) {
    const d = distance(z, x);
    if (Number.isFinite(d)) total += d;
  }
  return total;
}

export function geometricMedian(f: number, options: GeometricMedianOptions = {}): Aggregator {
  const { nu, maxIterations, tolerance } = parseOptions('aggregator', 'geometric-median', geometricMedianOptionsSchema, options);
  return defineRule('geometric-median', f, HONEST_MAJORITY, (inputs, out) => {
    const native = robustKernels();
    if (native !== null) return weiszfeldNative(native, inputs, out, nu, maxIterations, tolerance);
    const d = out.length;
    const finite = inputs.filter((x) => x.every(Number.isFinite));
    if (finite.length === 0) throw new RobustRuleError('geometric-median: every input has a non-finite value');
    const z = new Float64Array(d);
    for (const x of finite) for (let j = 0; j < d; j++) z[j]! += x[j]! / finite.length;
    let previous = objective(z, finite);
    const next = new Float64Array(d);
    for (let iteration = 0; iteration < maxIterations; iteration++) {
      next.fill(0);
      let weightSum = 0;
      for (const x of finite) {
        const w = 1 / Math.max(nu, distance(z, x));
        weightSum += w;
        for (let j = 0; j < d; j++) next[j]! += w * x[j]!;
      }
      for (let j = 0; j < d; j++) next[j]! /= weightSum;
      const value = objective(next, finite);
      const improvement = previous - value;
      if (value <= previous) z.set(next);
      if (improvement <= tolerance * Math.max(previous, Number.MIN_VALUE)) break;
      previous = value;
    }
    for (let j = 0; j < d; j++) out[j] = z[j]!;
  });
}

/** Sum of the square roots of the finite entries: the objective from squared distances. */
function objectiveOf(squared: Float64Array): number {
  let total = 0;
  for (const s of squared) if (Number.isFinite(s)) total += Math.sqrt(s);
  return total;
}

/** The iteration above on the native step: same start, weights, acceptance and stopping test. */
function weiszfeldNative(
  native: NativeKernels,
  inputs: readonly Float32Array[],
  out: Float32Array,
  nu: number,
  maxIterations: number,
  tolerance: number,
): void {
  const d = out.length;
  let z = new Float64Array(d);
  let next = new Float64Array(d);
  let finite = inputs;
  let squared = new Float64Array(finite.length);
  // The average of every input: when all its distances are finite, every input is (a non-finite
  // entry makes the average non-finite there, and so every distance); else filter and redo.
  native.weiszfeldStep(finite, new Float64Array(finite.length).fill(1), z, squared);
  if (!squared.every(Number.isFinite)) {
    finite = inputs.filter((x) => x.every(Number.isFinite));
    if (finite.length === 0) throw new RobustRuleError('geometric-median: every input has a non-finite value');
    squared = new Float64Array(finite.length);
    native.weiszfeldStep(finite, new Float64Array(finite.length).fill(1), z, squared);
  }
  let previous = objectiveOf(squared);
  const weights = new Float64Array(finite.length);
  let nextSquared = new Float64Array(finite.length);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    for (let i = 0; i < finite.length; i++) weights[i] = 1 / Math.max(nu, Math.sqrt(squared[i]!));
    native.weiszfeldStep(finite, weights, next, nextSquared);
    const value = objectiveOf(nextSquared);
    const improvement = previous - value;
    if (value <= previous) {
      [z, next] = [next, z];
      [squared, nextSquared] = [nextSquared, squared];
    }
    if (improvement <= tolerance * Math.max(previous, Number.MIN_VALUE)) break;
    previous = value;
  }
  for (let j = 0; j < d; j++) out[j] = z[j]!;
}
