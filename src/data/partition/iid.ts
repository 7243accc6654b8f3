/**
 * IID partition: shuffle all samples and deal them out in near-equal contiguous parts (sizes
 * differ by at most one), the baseline of McMahan et al. 2017, "Communication-Efficient Learning
 * of Deep Networks from Decentralized Data" (AISTATS).
 */
import { Rng } from '../../util/rng.js';
import { checkNumClients, checkNumSamples, toPartition, type Partition } from './common.js';

export interface IidPartitionOptions {
  readonly numSamples: number;
  readonly numClients: number;
  readonly seed: number;
}

export function partitionIid(options: IidPartitionOptions): Partition {
  const { numSamples, numClients, seed } = options;
  checkNumSamples(numSamples);
  checkNumClients(numClients, numSamples);
  const order = Rng.derive(seed, 0x11d).permutation(numSamples);
  const clients: Int32Array[] = [];
  for (let c = 0; c < numClients; c++) {
    const start = Math.floor((c * numSamples) / numClients);
    const end = Math.floor(((c + 1) * numSamples) / numClients);
    clients.push(order.subarray(start, end));
  }
  return toPartition(clients);
}
