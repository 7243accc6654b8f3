/** parallel/: training strategies (the strategy seam, DDP, robust aggregation, parameter servers) and the launchers that run them in each execution mode. */
export type { RankContext, RankSetup, Strategy } from './strategy.js';
export { resolveStrategy, worldSize, STRATEGY_NAMES, type ResolvedStrategy } from './strategies.js';
export { planBuckets, DEFAULT_BUCKET_OPTIONS, type Bucket, type BucketOptions, type BucketSegment } from './ddp/buckets.js';
export { CommGroup, type CommGroupOptions } from './ddp/comm-group.js';
export * from './launch/index.js';
export * from './robust/index.js';
export * from './grid/index.js';
export { parseTimeline, StepTimeline, TIMELINE_LANES, type TimelineEvent, type TimelineLane } from './overlap/timeline.js';
