/**
 * MG-WFBP's merge rule against the optimum (exhaustive search and DP) under the model of
 * schedule.ts. The rule is optimal in most settings of the LeNet-5-style CNN but not in all: with
 * 1 TFLOP/s of compute, 50 us startup, 10 Gbit/s and 8 workers it merges fc1 into the bucket of
 * fc3+fc2 (waiting 12.288 us, less than the 50 us a separate all-reduce would cost), whereas the
 * optimum sends fc3+fc2 at once and fc1 with conv2+conv1, whose gradients are all ready before the
 * channel frees up; the rule's end is later by exactly that wait. The rule only weighs "merge
 * l-1 into l's bucket" against "send l-1 on its own", never "l-1 opens a bucket that later layers
 * join".
 */
import { describe, expect, it } from 'vitest';
import { createModel } from '../../nn/index.js';
import { LoomError } from '../../util/errors.js';
import { Rng } from '../../util/index.js';
import { mgWfbpMerge, scheduleEnd, type Bucket, type CommCost, type LayerCost } from './mg-wfbp.js';
import { bruteForceMerge, optimalMerge } from './optimal-merge.js';
import { singleBucket, wfbpBuckets } from './schedule.js';

const sameTime = (x: number, y: number) => Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y));
const layer = (bytes: number, backwardSec: number, name = ''): LayerCost => ({ name, bytes, backwardSec });

describe('scheduleEnd', () => {
  // Forward order; ready times 3, 2, 1 for layers 0, 1, 2. a = 1, b = 0.5.
  const layers = [layer(2, 1), layer(4, 1), layer(2, 1)];
  const cost: CommCost = { startupSec: 1, secPerByte: 0.5 };

  it('WFBP: 1 -> 3, 3 -> 6, 6 -> 8', () => {
    expect(scheduleEnd(layers, wfbpBuckets(3), cost)).toBe(8);
  });
  it('one bucket: starts at 3, 8 bytes: 8', () => {
    expect(scheduleEnd(layers, singleBucket(3), cost)).toBe(8);
  });
  it('{2,1},{0}: 2 -> 6, 6 -> 8', () => {
    expect(scheduleEnd(layers, [{ start: 1, end: 3 }, { start: 0, end: 1 }], cost)).toBe(8);
  });
  it('{2},{1,0}: 1 -> 3, then max(3, 3) -> 7', () => {
    expect(scheduleEnd(layers, [{ start: 2, end: 3 }, { start: 0, end: 2 }], cost)).toBe(7);
  });
  it('rejects buckets that are not a backward-ordered partition', () => {
    expect(() => scheduleEnd(layers, [{ start: 0, end: 2 }, { start: 2, end: 3 }], cost)).toThrow(LoomError);
    expect(() => scheduleEnd(layers, [{ start: 1, end: 3 }], cost)).toThrow(LoomError);
  });
  it('no layers, nothing to send', () => {
    expect(scheduleEnd([], [], cost)).toBe(0);
  });
});

describe('mgWfbpMerge, small cases by hand', () => {
  it('keeps layer 1 apart when waiting for it costs exactly a, then merges layer 0, which is ready when the channel frees', () => {
    const layers = [layer(2, 1), layer(4, 1), layer(2, 1)];
    const cost: CommCost = { startupSec: 1, secPerByte: 0.5 };
    // Layer 1 is ready at 2, layer 2's all-reduce starts at 1: a wait of 1, not less than a = 1.
    // The next bucket starts when the channel frees at 3, when layer 0 is ready too.
    expect(mgWfbpMerge(layers, cost)).toEqual([{ start: 2, end: 3 }, { start: 0, end: 2 }]);
    expect(scheduleEnd(layers, bruteForceMerge(layers, cost), cost)).toBe(7);
  });

  it('merges everything when startup dominates, and nothing when startup is free and compute is slow', () => {
    const layers = [layer(10, 1), layer(10, 1), layer(10, 1), layer(10, 1)];
    expect(mgWfbpMerge(layers, { startupSec: 100, secPerByte: 0.001 })).toEqual(singleBucket(4));
    expect(mgWfbpMerge(layers, { startupSec: 0, secPerByte: 0.001 })).toEqual(wfbpBuckets(4));
  });

  it('is not optimal: a greedy merge that costs a wait blocks a free merge later', () => {
    // a = 1, b = 0.25; ready times 3, 1, 0.5 for layers 0, 1, 2.
    const layers = [layer(1, 2), layer(1, 0.5), layer(8, 0.5)];
    const cost: CommCost = { startupSec: 1, secPerByte: 0.25 };
    // Rule: layer 1 waits 0.5 < a, so {2,1} starts at 1 and ends at 1 + 1 + 2.25 = 4.25; layer 0
    // (ready at 3) would wait 2 >= a, so it goes alone: 4.25 + 1.25 = 5.5.
    const rule = mgWfbpMerge(layers, cost);
    expect(rule).toEqual([{ start: 1, end: 3 }, { start: 0, end: 1 }]);
    expect(scheduleEnd(layers, rule, cost)).toBe(5.5);
    // Optimum: {2} from 0.5 to 3.5, then {1,0} from max(3.5, 3) to 3.5 + 1.5 = 5.
    const best: Bucket[] = [{ start: 2, end: 3 }, { start: 0, end: 2 }];
    expect(bruteForceMerge(layers, cost)).toEqual(best);
    expect(optimalMerge(layers, cost)).toEqual(best);
    expect(scheduleEnd(layers, best, cost)).toBe(5);
    expect(scheduleEnd(layers, wfbpBuckets(3), cost)).toBe(6);
    expect(scheduleEnd(layers, singleBucket(3), cost)).toBe(6.5);
  });

  it('handles one layer and no layers', () => {
    const cost: CommCost = { startupSec: 1, secPerByte: 1 };
    expect(mgWfbpMerge([layer(3, 1)], cost)).toEqual([{ start: 0, end: 1 }]);
    expect(mgWfbpMerge([], cost)).toEqual([]);
    expect(bruteForceMerge([], cost)).toEqual([]);
    expect(optimalMerge([], cost)).toEqual([]);
  });
});

describe('bruteForceMerge', () => {
  it('refuses more than 20 layers', () => {
    const layers = Array.from({ length: 21 }, () => layer(1, 1));
    expect(() => bruteForceMerge(layers, { startupSec: 1, secPerByte: 1 })).toThrow(LoomError);
  });
});

describe('optimalMerge (DP) equals exhaustive search', () => {
  it('on 500 random instances of up to 12 layers; MG-WFBP lies between them and the better of WFBP and one bucket', () => {
    const rng = new Rng(7);
    let ruleSuboptimal = 0;
    for (let trial = 0; trial < 500; trial++) {
      const L = 1 + rng.int(12);
      const layers = Array.from({ length: L }, () => layer(rng.int(1000), rng.next()));
      const cost: CommCost = { startupSec: 2 * rng.next(), secPerByte: 0.003 * rng.next() };
      const brute = scheduleEnd(layers, bruteForceMerge(layers, cost), cost);
      expect(sameTime(scheduleEnd(layers, optimalMerge(layers, cost), cost), brute)).toBe(true);
      const rule = scheduleEnd(layers, mgWfbpMerge(layers, cost), cost);
      expect(rule).toBeGreaterThanOrEqual(brute * (1 - 1e-12));
      expect(rule).toBeLessThanOrEqual(scheduleEnd(layers, wfbpBuckets(L), cost) * (1 + 1e-12));
      expect(rule).toBeLessThanOrEqual(scheduleEnd(layers, singleBucket(L), cost) * (1 + 1e-12));
      if (!sameTime(rule, brute)) ruleSuboptimal++;
    }
    expect(ruleSuboptimal).toBeGreaterThan(0);
  });
});

describe('LeNet-5-style CNN', () => {
  const BATCH = 64;
  const model = createModel({ type: 'cnn', channels: [6, 16], hidden: [120, 84] }, { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
  const flopsOf = new Map(model.layers.map((l) => [l.name, l.forwardFlops]));
  // Segments in forward order; weight and bias of a layer make one layer of the backward pass.
  const grouped = new Map<string, number>();
  for (const s of model.segments) grouped.set(s.layer, (grouped.get(s.layer) ?? 0) + s.size);
  model.dispose();
  // Backward FLOPs taken as twice the forward (input and weight gradients); the pooling layers
  // between have no FLOPs counted, so they add no time.
  const layersAt = (flopsPerSec: number): LayerCost[] =>
    [...grouped].map(([name, elements]) => layer(4 * elements, (2 * BATCH * flopsOf.get(name)!) / flopsPerSec, name));

  const speeds = [
    { label: '10 GFLOP/s', flopsPerSec: 1e10 },
    { label: '1 TFLOP/s', flopsPerSec: 1e12 },
    { label: '100 TFLOP/s', flopsPerSec: 1e14 },
  ];
  const networks = [
    { label: '50 us, 10 Gbit/s', startupSec: 50e-6, bitsPerSec: 10e9 },
    { label: '1 ms, 1 Gbit/s', startupSec: 1e-3, bitsPerSec: 1e9 },
    { label: '5 us, 100 Gbit/s', startupSec: 5e-6, bitsPerSec: 100e9 },
  ];
  const workerCounts = [2, 8];
  const ringCost = (net: (typeof networks)[number], workers: number): CommCost => ({
    startupSec: net.startupSec,
    secPerByte: ((2 * (workers - 1)) / workers) * (8 / net.bitsPerSec),
  });

  const cases = speeds.flatMap((speed) =>
    networks.flatMap((net) => workerCounts.map((workers) => ({ speed, net, workers, label: `${speed.label}, ${net.label}, ${workers} workers` }))),
  );

  it('has five layers with parameters, output layer last', () => {
    expect([...grouped.keys()]).toEqual(['conv1', 'conv2', 'fc1', 'fc2', 'fc3']);
  });

  it.each(cases)('$label: DP = brute force; MG-WFBP no worse than WFBP or one bucket', ({ speed, net, workers }) => {
    const layers = layersAt(speed.flopsPerSec);
    const cost = ringCost(net, workers);
    const brute = scheduleEnd(layers, bruteForceMerge(layers, cost), cost);
    expect(sameTime(scheduleEnd(layers, optimalMerge(layers, cost), cost), brute)).toBe(true);
    const rule = scheduleEnd(layers, mgWfbpMerge(layers, cost), cost);
    expect(rule).toBeLessThanOrEqual(scheduleEnd(layers, wfbpBuckets(layers.length), cost));
    expect(rule).toBeLessThanOrEqual(scheduleEnd(layers, singleBucket(layers.length), cost));
  });

  it('MG-WFBP reaches the brute-force optimum in every setting but one', () => {
    const off = cases.filter(({ speed, net, workers }) => {
      const layers = layersAt(speed.flopsPerSec);
      const cost = ringCost(net, workers);
      return !sameTime(scheduleEnd(layers, mgWfbpMerge(layers, cost), cost), scheduleEnd(layers, bruteForceMerge(layers, cost), cost));
    });
    expect(off.map((c) => c.label)).toEqual(['1 TFLOP/s, 50 us, 10 Gbit/s, 8 workers']);
  });

  it('where it misses, it merged fc1 early and ends later by fc1\'s backward time', () => {
    const layers = layersAt(1e12);
    const cost = ringCost(networks[0], 8);
    // Indices: conv1 0, conv2 1, fc1 2, fc2 3, fc3 4.
    expect(mgWfbpMerge(layers, cost)).toEqual([{ start: 2, end: 5 }, { start: 0, end: 2 }]);
    expect(bruteForceMerge(layers, cost)).toEqual([{ start: 3, end: 5 }, { start: 0, end: 3 }]);
    const gap = scheduleEnd(layers, mgWfbpMerge(layers, cost), cost) - scheduleEnd(layers, bruteForceMerge(layers, cost), cost);
    expect(gap).toBeCloseTo(layers[2].backwardSec, 15);
  });
});
