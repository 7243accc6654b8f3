/**
 * Quantity skew: clients hold very different numbers of samples, but each client's samples are an
 * IID draw (labels not skewed). Client sizes follow a Dirichlet(beta) draw, as in Li, Diao, Chen &
 * He 2022, "Federated Learning on Non-IID Data Silos: An Experimental Study" (ICDE), or a power law
 * (size of the r-th largest client proportional to r^-exponent, in random client order).
 * Unlike that paper's code, which redraws until every client has 10 samples, each client first
 * gets `minSize` samples and the rest is shared in proportion, so the draw never fails.
 */
import { LoomError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import {
  checkNonNegativeInt,
  checkNumClients,
  checkNumSamples,
  checkPositive,
  toPartition,
  type Partition,
} from './common.js';
import { sampleDirichlet, sizesFromProportions } from './proportions.js';

export type QuantityDistribution =
  | { readonly kind: 'dirichlet'; readonly beta: number }
  | { readonly kind: 'power-law'; readonly exponent: number };

export interface QuantitySkewPartitionOptions {
  readonly numSamples: number;
  readonly numClients: number;
  readonly distribution: QuantityDistribution;
  readonly seed: number;
  /** Samples every client gets before the proportional share (default 1). */
  readonly minSize?: number;
}

export function partitionQuantitySkew(options: QuantitySkewPartitionOptions): Partition {
  const { numSamples, numClients, distribution, seed } = options;
  const minSize = options.minSize ?? 1;
  checkNumSamples(numSamples);
  checkNumClients(numClients, numSamples);
  checkNonNegativeInt('minSize', minSize);
  if (minSize * numClients > numSamples) {
    throw new LoomError(`minSize ${minSize} x ${numClients} clients exceeds the ${numSamples} samples`);
  }
  const rng = Rng.derive(seed, 0x9a7);
  let proportions: Float64Array;
  if (distribution.kind === 'dirichlet') {
    checkPositive('beta', distribution.beta);
    proportions = sampleDirichlet(rng, distribution.beta, numClients);
  } else {
    checkPositive('exponent', distribution.exponent);
    const rank = rng.permutation(numClients);
    proportions = Float64Array.from(rank, (r) => Math.pow(r + 1, -distribution.exponent));
  }
  const sizes = sizesFromProportions(proportions, numSamples, minSize);
  const order = rng.permutation(numSamples);
  const clients: Int32Array[] = [];
  let start = 0;
  for (const size of sizes) {
    clients.push(order.subarray(start, start + size));
    start += size;
  }
  return toPartition(clients);
}
