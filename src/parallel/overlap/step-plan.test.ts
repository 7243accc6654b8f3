import { describe, expect, it } from 'vitest';
import type { LayerInfo } from '../../nn/model.js';
import { LoomError } from '../../util/errors.js';
import {
  bucketUnits,
  fifoOrder,
  gatedForward,
  gradientReadyTimes,
  layerBucketUnits,
  partitionUnits,
  priorityOrder,
  splitCompute,
  unitReadyTimes,
  unitsOfLayers,
} from './step-plan.js';

/** A layer with `params` parameters starting at `offset` and `flops` forward FLOPs. */
const layer = (name: string, offset: number, params: number, flops: number): LayerInfo => ({
  name,
  kind: 'dense',
  params,
  forwardFlops: flops,
  activationBytes: 0,
  outputShape: [1],
  paramRange: [offset, offset + params],
});

// conv-like input side: little memory, most FLOPs; a parameter-free pool; a big dense output side.
const layers = [layer('a', 0, 10, 60), layer('pool', 10, 0, 0), layer('b', 10, 100, 30), layer('c', 110, 5, 10)];

describe('splitCompute', () => {
  it('splits a step a third forward, two thirds backward, each by FLOPs', () => {
    const { forward, backward } = splitCompute(layers, 3);
    expect(forward.map((x) => +x.toFixed(12))).toEqual([0.6, 0, 0.3, 0.1]);
    expect(backward.map((x) => +x.toFixed(12))).toEqual([1.2, 0, 0.6, 0.2]);
  });
  it('splits evenly when no layer reports FLOPs', () => {
    const { forward } = splitCompute([layer('x', 0, 1, 0), layer('y', 1, 1, 0)], 3);
    expect(forward).toEqual([0.5, 0.5]);
  });
});

describe('gradientReadyTimes', () => {
  it('runs backward from the last layer: c at 10.2, b at 10.8, pool at 10.8, a at 12', () => {
    const ready = Array.from(gradientReadyTimes([1.2, 0, 0.6, 0.2], 10), (x) => +x.toFixed(12));
    expect(ready).toEqual([12, 10.8, 10.8, 10.2]);
  });
});

describe('units', () => {
  it('maps DDP buckets to the layers they hold (parameter-free layers hold nothing)', () => {
    const units = bucketUnits(layers, [
      [110, 115],
      [0, 110],
    ]);
    expect(units).toEqual([
      { start: 110, end: 115, firstLayer: 3, lastLayer: 3 },
      { start: 0, end: 110, firstLayer: 0, lastLayer: 2 },
    ]);
    expect(unitsOfLayers(4, units)).toEqual([[1], [1], [1], [0]]);
  });
  it('cuts each layer into partitions of at most 40 elements, input side first', () => {
    const units = partitionUnits(layers, 40);
    expect(units.map((u) => [u.start, u.end, u.firstLayer])).toEqual([
      [0, 10, 0],
      [10, 50, 2],
      [50, 90, 2],
      [90, 110, 2],
      [110, 115, 3],
    ]);
    expect(unitsOfLayers(4, units)).toEqual([[0], [], [1, 2, 3], [4]]);
  });
  it('turns buckets of whole layers into units; a bucket of parameter-free layers sends nothing', () => {
    const units = layerBucketUnits(layers, [
      { start: 2, end: 4 },
      { start: 1, end: 2 },
      { start: 0, end: 1 },
    ]);
    expect(units).toEqual([
      { start: 10, end: 115, firstLayer: 2, lastLayer: 3 },
      { start: 0, end: 10, firstLayer: 0, lastLayer: 0 },
    ]);
  });
  it('refuses a partition of no elements', () => {
    expect(() => partitionUnits(layers, 0)).toThrow(LoomError);
  });
  it('refuses a bucket that holds no parameters', () => {
    expect(() => bucketUnits(layers, [[115, 120]])).toThrow(/holds no layer/);
  });
  it('a unit is ready when backward reaches its lowest layer', () => {
    const units = bucketUnits(layers, [
      [110, 115],
      [0, 110],
    ]);
    expect(Array.from(unitReadyTimes(units, Float64Array.from([12, 10.8, 10.8, 10.2])))).toEqual([10.2, 12]);
  });
});

describe('orders', () => {
  // Units in priority order (0 = input side); ready times from a backward that ends with unit 0.
  const ready = [5, 4, 1, 0];
  const cost = [1, 1, 4, 1];

  it('FIFO sends by ready time', () => {
    expect(fifoOrder(ready)).toEqual([3, 2, 1, 0]);
    expect(fifoOrder([2, 1, 1])).toEqual([1, 2, 0]);
  });
  it('priority: 3 at 0 (ends 1), 2 at 1 (ends 5), then 1 and 0 are both ready: 0 first', () => {
    expect(priorityOrder(ready, cost)).toEqual([3, 2, 0, 1]);
  });
  it('priority waits for the next ready unit when none is ready', () => {
    expect(priorityOrder([0, 10, 2], [1, 1, 1])).toEqual([0, 2, 1]);
  });
});

describe('gatedForward', () => {
  it('each layer starts once its parameters are back: 0 -> 2 waits, 3 -> 4, then 4 -> 5 and 6 -> 7', () => {
    const { starts, end } = gatedForward([1, 1, 1], [2, 4, 6], 0);
    expect(Array.from(starts)).toEqual([2, 4, 6]);
    expect(end).toBe(7);
  });
  it('no wait when the parameters are already back', () => {
    const { starts, end } = gatedForward([1, 1], [0, 0], 3);
    expect(Array.from(starts)).toEqual([3, 4]);
    expect(end).toBe(5);
  });
});
