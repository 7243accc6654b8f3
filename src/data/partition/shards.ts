/**
 * Pathological non-IID shards: sort the samples by label, cut them into numClients * k shards of
 * consecutive samples, and give every client k shards at random, so a client sees about k classes.
 * McMahan et al. 2017, "Communication-Efficient Learning of Deep Networks from Decentralized Data"
 * (AISTATS), which used 200 shards of 300 MNIST images for 100 clients. Where the shard count does
 * not divide the sample count, shard sizes differ by one so that every sample is still used.
 */
import { LoomError, showValue } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { checkNumClients, countClasses, indicesByClass, toPartition, type Partition } from './common.js';

export interface ShardPartitionOptions {
  /** Class id of every sample. */
  readonly labels: ArrayLike<number>;
  readonly numClients: number;
  /** Shards per client (k); McMahan et al. used 2. */
  readonly shardsPerClient: number;
  readonly seed: number;
}

export function partitionShards(options: ShardPartitionOptions): Partition {
  const { labels, numClients, shardsPerClient: k, seed } = options;
  const numSamples = labels.length;
  const numClasses = countClasses(labels);
  checkNumClients(numClients, numSamples);
  if (!Number.isInteger(k) || k < 1) throw new LoomError(`shardsPerClient must be a positive integer, got ${showValue(k)}`);
  const numShards = numClients * k;
  if (numShards > numSamples) {
    throw new LoomError(
      `cannot cut ${numSamples} samples into ${numShards} shards (numClients ${numClients} x shardsPerClient ${k})`,
    );
  }
  // Sorted by label, ties by index: the concatenation of the per-class index lists.
  const sorted = new Int32Array(numSamples);
  let at = 0;
  for (const members of indicesByClass(labels, numClasses)) {
    sorted.set(members, at);
    at += members.length;
  }
  const shardOrder = Rng.derive(seed, 0x5a4d).permutation(numShards);
  const clients: number[][] = Array.from({ length: numClients }, () => []);
  for (let s = 0; s < numShards; s++) {
    const shard = shardOrder[s];
    const start = Math.floor((shard * numSamples) / numShards);
    const end = Math.floor(((shard + 1) * numSamples) / numShards);
    const client = clients[Math.floor(s / k)];
    for (let i = start; i < end; i++) client.push(sorted[i]);
  }
  return toPartition(clients);
}
