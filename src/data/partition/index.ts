export type { Partition } from './common.js';
export { partitionIid, type IidPartitionOptions } from './iid.js';
export { partitionDirichlet, type DirichletPartitionOptions } from './dirichlet.js';
export { partitionShards, type ShardPartitionOptions } from './shards.js';
export {
  partitionQuantitySkew,
  type QuantitySkewPartitionOptions,
  type QuantityDistribution,
} from './quantity-skew.js';
export { clientLabelCounts } from './stats.js';
