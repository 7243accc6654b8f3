/**
 * The best partition of layers into buckets under MG-WFBP's model (schedule.ts): by exhaustive
 * search over all 2^(L-1) partitions, and by dynamic programming in O(L^2).
 *
 * The DP works on backward prefixes: best[k] is the earliest the channel can be free after the
 * first k layers in backward order (L-1 .. L-k) have been sent. Every later bucket starts at
 * max(channel free, its ready time), so a prefix's end time is all that matters to the rest and
 * an earlier one is never worse: best[k] = min over j < k of
 * max(best[j], ready of the k-th layer) + a + b * bytes(layers j+1..k).
 */
import { LoomError } from '../../util/errors.js';
import { allReduceSec, readyTimes, scheduleEnd, type Bucket, type CommCost, type LayerCost } from './schedule.js';

const BRUTE_FORCE_MAX_LAYERS = 20;

/** Tries every partition; buckets in communication order. Ties keep the first found. */
export function bruteForceMerge(layers: readonly LayerCost[], cost: CommCost): Bucket[] {
  const L = layers.length;
  if (L > BRUTE_FORCE_MAX_LAYERS) {
    throw new LoomError(`bruteForceMerge: ${L} layers would mean 2^${L - 1} partitions; at most ${BRUTE_FORCE_MAX_LAYERS} layers`);
  }
  if (L === 0) return [];
  let best: Bucket[] = [];
  let bestEnd = Infinity;
  // Bit i of `cuts` set: a bucket boundary between layers i+1 and i.
  for (let cuts = 0; cuts < 2 ** (L - 1); cuts++) {
    const buckets: Bucket[] = [];
    let end = L;
    for (let l = L - 1; l >= 1; l--) {
      if ((cuts >> (l - 1)) & 1) {
        buckets.push({ start: l, end });
        end = l;
      }
    }
    buckets.push({ start: 0, end });
    const t = scheduleEnd(layers, buckets, cost);
    if (t < bestEnd) {
      bestEnd = t;
      best = buckets;
    }
  }
  return best;
}

/** The optimum by dynamic programming, O(L^2); buckets in communication order. */
export function optimalMerge(layers: readonly LayerCost[], cost: CommCost): Bucket[] {
  const L = layers.length;
  if (L === 0) return [];
  const ready = readyTimes(layers);
  // bytesAbove[i]: bytes of layers i..L-1.
  const bytesAbove = new Array<number>(L + 1).fill(0);
  for (let l = L - 1; l >= 0; l--) bytesAbove[l] = bytesAbove[l + 1] + layers[l].bytes;
  // Indexed by the lowest layer sent so far: best[s] covers layers s..L-1, best[L] = nothing sent.
  const best = new Array<number>(L + 1).fill(Infinity);
  const cut = new Array<number>(L + 1).fill(L);
  best[L] = 0;
  for (let s = L - 1; s >= 0; s--) {
    for (let e = L; e > s; e--) {
      const t = Math.max(best[e], ready[s]) + allReduceSec(bytesAbove[s] - bytesAbove[e], cost);
      if (t < best[s]) {
        best[s] = t;
        cut[s] = e;
      }
    }
  }
  const buckets: Bucket[] = [];
  for (let s = 0; s < L; s = cut[s]) buckets.push({ start: s, end: cut[s] });
  return buckets.reverse();
}
