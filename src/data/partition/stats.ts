/** Summaries of a partition, for reports and tests. */
import type { Partition } from './common.js';

/** `counts[c][k]`: how many samples of class k client c holds. */
export function clientLabelCounts(partition: Partition, labels: ArrayLike<number>, numClasses: number): Int32Array[] {
  return partition.map((indices) => {
    const counts = new Int32Array(numClasses);
    for (const i of indices) counts[labels[i]]++;
    return counts;
  });
}
