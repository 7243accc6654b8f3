/** Byzantine-robust aggregation: the Aggregator seam and its rules. */
export { RobustRuleError, type Aggregator } from './aggregator.js';
export { average } from './aggregators/average.js';
export { coordinateMedian, type CoordinateMedianOptions } from './aggregators/coordinate-median.js';
export { trimmedMean } from './aggregators/trimmed-mean.js';
export { krum, multiKrum, krumScores, type KrumOptions, type MultiKrumOptions } from './aggregators/krum.js';
export { pairwiseSquaredDistances } from './pairwise-distances.js';
export { geometricMedian, type GeometricMedianOptions } from './aggregators/geometric-median.js';
export { meamed } from './aggregators/meamed.js';
export { bulyan, bulyanSelection } from './aggregators/bulyan.js';
export { centeredClipping, type CenteredClipping, type CenteredClippingOptions } from './aggregators/centered-clipping.js';
export { signMajority } from './aggregators/sign-majority.js';
export { mda, minimumDiameterSubset, type MdaOptions } from './aggregators/mda.js';
export { monna, type MonnaOptions } from './aggregators/monna.js';
export { composeRule, type PreAggregator } from './preaggregator.js';
export { staticClipping } from './preaggregators/static-clipping.js';
export { nnm } from './preaggregators/nnm.js';
export { bucketing, type BucketingOptions } from './preaggregators/bucketing.js';
export { arc } from './preaggregators/arc.js';
