/** parallel/: training strategies and the drivers that run them in each execution mode. */
export { planBuckets, DEFAULT_BUCKET_OPTIONS, type Bucket, type BucketOptions, type BucketSegment } from './ddp/buckets.js';
export { CommGroup, type CommGroupOptions } from './ddp/comm-group.js';
export { runDdpRank, type DdpRankSetup } from './ddp/ddp-rank.js';
export * from './launch/index.js';
export * from './robust/index.js';
