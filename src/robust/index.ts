/** Byzantine-robust aggregation: the Aggregator seam and its rules. */
export { RobustRuleError, type Aggregator } from './aggregator.js';
export { average } from './aggregators/average.js';
export { coordinateMedian, type CoordinateMedianOptions } from './aggregators/coordinate-median.js';
export { trimmedMean } from './aggregators/trimmed-mean.js';
export { krum, multiKrum, krumScores, type KrumOptions, type MultiKrumOptions } from './aggregators/krum.js';
export { pairwiseSquaredDistances } from './pairwise-distances.js';
export { geometricMedian, type GeometricMedianOptions } from './aggregators/geometric-median.js';
