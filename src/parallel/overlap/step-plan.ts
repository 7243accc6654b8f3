/**
 * What overlapping a data-parallel step's communication with its compute needs to know, as pure
 * functions: how a step's compute splits over layers (forward, then backward from the last layer
 * to the first, so that a layer's gradient is ready once backward has passed it), which units of
 * communication carry which layers' gradients, and in what order one communication channel sends
 * them.
 *
 * Two unit sets: DDP's buckets sent first-ready first-sent (FIFO, Li et al. VLDB 2020), and
 * per-layer partitions of at most a given size sent by priority, the input side's first, whenever
 * the channel is free (TicTac, Hashemi et al., MLSys 2019; ByteScheduler, Peng et al., SOSP 2019):
 * the next step's forward needs layer 0's parameters first, so they should not wait behind the
 * output layers' gradients.
 */
import type { LayerInfo } from '../../nn/model.js';
import { LoomError } from '../../util/errors.js';
import type { Bucket } from '../ddp/buckets.js';

/** A stretch of the flat gradient sent as one all-reduce, and the layers it holds. */
export interface CommUnit {
  /** [start, end) in elements of the flat gradient. */
  readonly start: number;
  readonly end: number;
  /** Lowest and highest index of the layers whose parameters it holds. */
  readonly firstLayer: number;
  readonly lastLayer: number;
}

/**
 * The backward pass costs about twice the forward: a layer computes the gradient of its input and
 * of its weights, each a product the size of the forward's (for dense and convolution layers).
 */
export const FORWARD_FRACTION = 1 / 3;

/** Seconds of each layer's forward and backward within a step's compute of `totalSec`, split by forward FLOPs. */
export function splitCompute(layers: readonly LayerInfo[], totalSec: number): { forward: number[]; backward: number[] } {
  const flops = layers.map((l) => l.forwardFlops);
  const sum = flops.reduce((a, b) => a + b, 0);
  // A model that reports no FLOPs is split evenly: the plan still orders its units.
  const share = sum > 0 ? flops.map((f) => f / sum) : layers.map(() => 1 / layers.length);
  return {
    forward: share.map((s) => s * totalSec * FORWARD_FRACTION),
    backward: share.map((s) => s * totalSec * (1 - FORWARD_FRACTION)),
  };
}

/** When each layer's gradient is ready, backward starting at `start` with the last layer. */
export function gradientReadyTimes(backward: readonly number[], start: number): Float64Array {
  const ready = new Float64Array(backward.length);
  let t = start;
  for (let l = backward.length - 1; l >= 0; l--) {
    t += backward[l]!;
    ready[l] = t;
  }
  return ready;
}

/** The layers whose parameters meet [start, end). */
function layerSpan(layers: readonly LayerInfo[], start: number, end: number): { firstLayer: number; lastLayer: number } {
  let firstLayer = -1;
  let lastLayer = -1;
  layers.forEach((layer, index) => {
    const [from, to] = layer.paramRange;
    if (from < end && to > start && to > from) {
      if (firstLayer < 0) firstLayer = index;
      lastLayer = index;
    }
  });
  if (firstLayer < 0) throw new LoomError(`gradient range [${start}, ${end}) holds no layer's parameters`);
  return { firstLayer, lastLayer };
}

/** DDP's buckets as units, in their order (the output side's first). */
export function bucketUnits(layers: readonly LayerInfo[], buckets: readonly Bucket[]): CommUnit[] {
  return buckets.map(([start, end]) => ({ start, end, ...layerSpan(layers, start, end) }));
}

/**
 * Units of buckets of whole layers ([start, end) in layer indices, as MG-WFBP's merge and the
 * optimal merge give them, in communication order); a bucket of parameter-free layers sends nothing.
 */
export function layerBucketUnits(layers: readonly LayerInfo[], buckets: readonly { readonly start: number; readonly end: number }[]): CommUnit[] {
  const units: CommUnit[] = [];
  for (const b of buckets) {
    const start = layers[b.start]!.paramRange[0];
    const end = layers[b.end - 1]!.paramRange[1];
    if (end > start) units.push({ start, end, ...layerSpan(layers, start, end) });
  }
  return units;
}

/**
 * Every layer's parameters cut into partitions of at most `partitionElements` (ByteScheduler's
 * tensor partitioning), in priority order: the input side's layer first, a layer's partitions in
 * order.
 */
export function partitionUnits(layers: readonly LayerInfo[], partitionElements: number): CommUnit[] {
  if (!Number.isInteger(partitionElements) || partitionElements < 1) throw new LoomError(`a partition must hold at least one element, got ${partitionElements}`);
  const units: CommUnit[] = [];
  layers.forEach((layer, index) => {
    const [from, to] = layer.paramRange;
    for (let start = from; start < to; start += partitionElements) {
      units.push({ start, end: Math.min(to, start + partitionElements), firstLayer: index, lastLayer: index });
    }
  });
  return units;
}

/** When a unit may be sent: once backward has produced all of it, i.e. reached its lowest layer. */
export function unitReadyTimes(units: readonly CommUnit[], layerReady: Float64Array): Float64Array {
  return Float64Array.from(units, (u) => layerReady[u.firstLayer]!);
}

/** For each layer, the units that hold some of its parameters (its forward waits for them). */
export function unitsOfLayers(layerCount: number, units: readonly CommUnit[]): number[][] {
  const of: number[][] = Array.from({ length: layerCount }, () => []);
  units.forEach((u, i) => {
    for (let l = u.firstLayer; l <= u.lastLayer; l++) of[l]!.push(i);
  });
  return of;
}

/** First ready, first sent (ties in unit order): DDP's order, the output side's units first. */
export function fifoOrder(ready: ArrayLike<number>): number[] {
  return Array.from({ length: ready.length }, (_, i) => i).sort((a, b) => ready[a]! - ready[b]! || a - b);
}

/**
 * The order in which one channel sends `units` when, each time it is free, it takes the ready
 * unit of highest priority (lowest index), or waits for the next to become ready: TicTac's
 * timing-aware ordering, computed ahead from `ready` times and `cost` (seconds per unit) so that
 * every rank sends in the same order.
 */
export function priorityOrder(ready: ArrayLike<number>, cost: ArrayLike<number>): number[] {
  const n = ready.length;
  const sent = new Uint8Array(n);
  const order: number[] = [];
  let t = 0;
  while (order.length < n) {
    let pick = -1;
    let nextReady = Infinity;
    for (let i = 0; i < n; i++) {
      if (sent[i]) continue;
      if (ready[i]! <= t) {
        pick = i;
        break;
      }
      nextReady = Math.min(nextReady, ready[i]!);
    }
    if (pick < 0) {
      t = nextReady;
      continue;
    }
    sent[pick] = 1;
    order.push(pick);
    t += cost[pick]!;
  }
  return order;
}

/**
 * The forward pass of a step that starts at `start`, layer l waiting for its parameters at
 * `paramsReady[l]` (their all-reduce and update): when each layer starts, and when forward ends.
 */
export function gatedForward(forward: readonly number[], paramsReady: ArrayLike<number>, start: number): { starts: Float64Array; end: number } {
  const starts = new Float64Array(forward.length);
  let t = start;
  forward.forEach((seconds, l) => {
    t = Math.max(t, paramsReady[l]!);
    starts[l] = t;
    t += seconds;
  });
  return { starts, end: t };
}
