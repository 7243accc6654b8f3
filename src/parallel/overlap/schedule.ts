/**
 * The communication model of MG-WFBP (S. Shi, X. Chu, B. Li, "MG-WFBP: Efficient Data
 * Communication for Distributed Synchronous SGD Algorithms", IEEE INFOCOM 2019; TPDS version
 * "MG-WFBP: Merging Gradients Wisely for Efficient Communication in Distributed Deep Learning").
 *
 * Layers are given in forward order, index 0 (input side) .. L-1 (output layer), like a model's
 * `segments`. Backward runs from L-1 down to 0, starting at time 0: layer l's gradient is ready
 * at ready(l) = sum of backwardSec over layers l..L-1. An all-reduce of m bytes costs
 * startupSec + secPerByte * m (the a + b*m of a ring all-reduce; the ring's 2(N-1)/N factor
 * belongs in secPerByte). Communication is serial on one channel. A bucket is a run of
 * consecutive layers; it starts when its last-produced layer (its lowest index) is ready and the
 * previous bucket's all-reduce has finished. The objective is the time the last bucket finishes.
 */
import { LoomError } from '../../util/errors.js';

export interface LayerCost {
  readonly name: string;
  /** Bytes of the layer's gradient. */
  readonly bytes: number;
  /** Seconds of backward compute of this layer alone (not cumulative). */
  readonly backwardSec: number;
}

export interface CommCost {
  /** a: startup seconds of one all-reduce. */
  readonly startupSec: number;
  /** b: seconds per byte of one all-reduce. */
  readonly secPerByte: number;
}

/** Layers [start, end) in forward order. */
export interface Bucket {
  readonly start: number;
  readonly end: number;
}

/** ready[l]: when layer l's gradient is ready (backward starts at 0 with layer L-1). */
export function readyTimes(layers: readonly LayerCost[]): number[] {
  const ready = new Array<number>(layers.length);
  let t = 0;
  for (let l = layers.length - 1; l >= 0; l--) {
    t += layers[l].backwardSec;
    ready[l] = t;
  }
  return ready;
}

export function allReduceSec(bytes: number, cost: CommCost): number {
  return cost.startupSec + cost.secPerByte * bytes;
}

/**
 * When the last bucket's all-reduce ends, with `buckets` in communication order (the bucket
 * holding layer L-1 first) covering every layer once.
 */
export function scheduleEnd(layers: readonly LayerCost[], buckets: readonly Bucket[], cost: CommCost): number {
  const ready = readyTimes(layers);
  let expected = layers.length;
  let free = 0;
  for (const b of buckets) {
    if (b.end !== expected || b.start >= b.end || b.start < 0) {
      throw new LoomError(`buckets must cover layers ${layers.length - 1}..0 in backward order without gaps; got [${b.start}, ${b.end}) where a bucket ending at ${expected} was due`);
    }
    let bytes = 0;
    for (let l = b.start; l < b.end; l++) bytes += layers[l].bytes;
    free = Math.max(free, ready[b.start]) + allReduceSec(bytes, cost);
    expected = b.start;
  }
  if (expected !== 0) throw new LoomError(`buckets leave layers 0..${expected - 1} out`);
  return free;
}

/** Every layer its own bucket (wait-free backpropagation). */
export function wfbpBuckets(layerCount: number): Bucket[] {
  const buckets: Bucket[] = [];
  for (let l = layerCount - 1; l >= 0; l--) buckets.push({ start: l, end: l + 1 });
  return buckets;
}

/** All layers in one bucket, sent after backward ends. */
export function singleBucket(layerCount: number): Bucket[] {
  return layerCount === 0 ? [] : [{ start: 0, end: layerCount }];
}
