/**
 * MG-WFBP's gradient-merging rule: S. Shi, X. Chu, B. Li, "MG-WFBP: Efficient Data
 * Communication for Distributed Synchronous SGD Algorithms", IEEE INFOCOM 2019, and "MG-WFBP:
 * Merging Gradients Wisely for Efficient Communication in Distributed Deep Learning", IEEE TPDS.
 *
 * Model (see schedule.ts): layers in forward order 0..L-1, backward from L-1 down to 0; layer l's
 * gradient is ready at ready(l) (cumulative backward compute); an all-reduce of m bytes costs
 * t_c = a + b*m; one serial channel; a bucket of consecutive layers starts when its lowest layer is
 * ready and the previous bucket is done; the objective is when the last bucket ends.
 *
 * The rule, in the paper's notation (tau_b^(l-1) + t_b^(l-1) = ready(l-1), tau_c^(l) = when the
 * all-reduce of the bucket currently ending with layer l would start): walking from the output
 * layer towards the input, layer l-1 joins layer l's bucket iff
 *     ready(l-1) < tau_c^(l) + t_c^(l)   and   ready(l-1) - tau_c^(l) < a,
 * i.e. l-1's gradient would otherwise queue behind l's all-reduce, and waiting for it delays that
 * all-reduce by less than the startup time the merge saves. As t_c^(l) >= a, this is
 * ready(l-1) < tau_c^(l) + a. After a merge tau_c becomes max(tau_c^(l), ready(l-1)) and the
 * bucket's t_c grows by b*bytes(l-1); otherwise the bucket closes and the next one starts at
 * max(tau_c^(l) + t_c^(l), ready(l-1)). One pass, O(L).
 *
 * The rule decides each merge by its local gain. It is not optimal for every input of this model
 * (optimal-merge.ts has the optimum and the tests show a case where they differ).
 */
import { allReduceSec, readyTimes, type Bucket, type CommCost, type LayerCost } from './schedule.js';

export { scheduleEnd, type Bucket, type CommCost, type LayerCost } from './schedule.js';

/** MG-WFBP's partition, buckets in communication order (the one holding layer L-1 first). */
export function mgWfbpMerge(layers: readonly LayerCost[], cost: CommCost): Bucket[] {
  const L = layers.length;
  if (L === 0) return [];
  const ready = readyTimes(layers);
  const buckets: Bucket[] = [];
  let end = L;
  let bytes = layers[L - 1].bytes;
  let commStart = ready[L - 1];
  for (let l = L - 1; l >= 1; l--) {
    const next = ready[l - 1];
    if (next - commStart < cost.startupSec) {
      bytes += layers[l - 1].bytes;
      commStart = Math.max(commStart, next);
    } else {
      buckets.push({ start: l, end });
      const free = commStart + allReduceSec(bytes, cost);
      end = l;
      bytes = layers[l - 1].bytes;
      commStart = Math.max(free, next);
    }
  }
  buckets.push({ start: 0, end });
  return buckets;
}
