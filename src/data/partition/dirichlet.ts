/**
 * Label-skew partition: for every class, the share each client gets is drawn from a symmetric
 * Dirichlet(alpha); small alpha gives each client few classes, large alpha approaches IID.
 * Hsu, Qi & Brown 2019, "Measuring the Effects of Non-Identical Data Distribution for Federated
 * Visual Classification" (arXiv:1909.06335). `minSize` redraws the whole partition until every
 * client has at least that many samples, and `balance` stops giving a class to clients that
 * already hold numSamples/numClients, both as in the NIID-Bench code of Li et al. 2022.
 */
import { LoomError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import {
  checkNonNegativeInt,
  checkNumClients,
  checkPositive,
  countClasses,
  indicesByClass,
  toPartition,
  type Partition,
} from './common.js';
import { cutPoints, sampleDirichlet } from './proportions.js';

export interface DirichletPartitionOptions {
  /** Class id of every sample. */
  readonly labels: ArrayLike<number>;
  readonly numClients: number;
  /** Concentration; must be > 0. */
  readonly alpha: number;
  readonly seed: number;
  /** Redraw until every client holds at least this many samples (default 0: no redraw). */
  readonly minSize?: number;
  /** Draws to try before giving up with a LoomError (default 1000). */
  readonly maxDraws?: number;
  /** Skip clients already holding numSamples/numClients when sharing out a class (default false). */
  readonly balance?: boolean;
}

export function partitionDirichlet(options: DirichletPartitionOptions): Partition {
  const { labels, numClients, alpha, seed } = options;
  const minSize = options.minSize ?? 0;
  const maxDraws = options.maxDraws ?? 1000;
  const numClasses = countClasses(labels);
  const numSamples = labels.length;
  checkNumClients(numClients, numSamples);
  checkPositive('alpha', alpha);
  checkNonNegativeInt('minSize', minSize);
  checkNonNegativeInt('maxDraws', maxDraws);
  if (maxDraws < 1) throw new LoomError('maxDraws must be at least 1, got 0');
  if (minSize * numClients > numSamples) {
    throw new LoomError(`minSize ${minSize} x ${numClients} clients exceeds the ${numSamples} samples`);
  }
  const byClass = indicesByClass(labels, numClasses);
  const rng = Rng.derive(seed, 0xd1c);
  for (let draw = 0; draw < maxDraws; draw++) {
    const clients = drawOnce(rng, byClass, numClients, alpha, options.balance ?? false, numSamples);
    if (Math.min(...clients.map((c) => c.length)) >= minSize) return toPartition(clients);
  }
  throw new LoomError(
    `Dirichlet partition: no draw in ${maxDraws} gave each of ${numClients} clients at least minSize ${minSize} samples (alpha ${alpha}); lower minSize or raise alpha`,
  );
}

function drawOnce(
  rng: Rng,
  byClass: readonly Int32Array[],
  numClients: number,
  alpha: number,
  balance: boolean,
  numSamples: number,
): number[][] {
  const clients: number[][] = Array.from({ length: numClients }, () => []);
  const cap = numSamples / numClients;
  for (const members of byClass) {
    if (members.length === 0) continue;
    const shuffled = rng.shuffle(Int32Array.from(members));
    const p = sampleDirichlet(rng, alpha, numClients);
    if (balance) {
      const masked = p.map((v, c) => (clients[c].length < cap ? v : 0));
      const sum = masked.reduce((a, b) => a + b, 0);
      if (sum > 0) p.set(masked.map((v) => v / sum));
    }
    const cuts = cutPoints(p, shuffled.length);
    for (let c = 0; c < numClients; c++) {
      for (let i = cuts[c]; i < cuts[c + 1]; i++) clients[c].push(shuffled[i]);
    }
  }
  return clients;
}
