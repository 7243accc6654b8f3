/**
 * The samples each worker of a robust run computes on. Honest workers hold a partition of the
 * training set (IID, Dirichlet label skew, or label-sorted: one contiguous run of labels each, as
 * ByzFL's extreme heterogeneity) and cycle through it in seeded passes; Byzantine workers draw
 * from the whole set (what they compute matters only to non-omniscient and data-level attacks).
 * With DRACO, the r workers of a group take the group's slice of the seeded global batch, so they
 * compute the same gradient. Everything depends only on (seed, rank, step), so a resumed run
 * draws what the uninterrupted one would have.
 */
import type { Dataset } from '../../data/index.js';
import { partitionDirichlet, partitionIid, partitionShards, sliceBounds, type Partition } from '../../data/index.js';
import { LoomError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import type { RobustPlan } from './robust-plan.js';

export type LocalSamples = (step: number, globalBatch: Int32Array) => Int32Array;

function honestPartition(plan: RobustPlan, train: Dataset, seed: number): Partition {
  const numClients = plan.honest.length;
  const heterogeneity = plan.config.heterogeneity;
  if (heterogeneity.type === 'iid') return partitionIid({ numSamples: train.size, numClients, seed });
  if (!train.labels) throw new LoomError(`robust.heterogeneity ${heterogeneity.type} needs a labelled dataset; ${train.name} has no labels`);
  if (heterogeneity.type === 'dirichlet') {
    return partitionDirichlet({ labels: train.labels, numClients, alpha: heterogeneity.alpha, seed, minSize: 1 });
  }
  return partitionShards({ labels: train.labels, numClients, shardsPerClient: 1, seed });
}

/** `count` samples per step from `part`, through a fresh seeded permutation of it on every pass. */
function cycleThrough(part: Int32Array, count: number, seed: number, rank: number): LocalSamples {
  let cachedPass = -1;
  let order: Int32Array = new Int32Array(0);
  const at = (position: number): number => {
    const pass = Math.floor(position / part.length);
    if (pass !== cachedPass) {
      order = Rng.derive(seed, 0x7b2, rank, pass).permutation(part.length);
      cachedPass = pass;
    }
    return part[order[position % part.length]!]!;
  };
  return (step) => {
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) out[i] = at(step * count + i);
    return out;
  };
}

export function localSamples(plan: RobustPlan, rank: number, train: Dataset, seed: number): LocalSamples {
  if (plan.dracoR !== null) {
    const groups = plan.size / plan.dracoR;
    const group = Math.floor(rank / plan.dracoR);
    return (_, globalBatch) => {
      const [from, to] = sliceBounds(globalBatch.length, group, groups);
      return globalBatch.subarray(from, to);
    };
  }
  const honestIndex = plan.honest.indexOf(rank);
  const part = honestIndex >= 0 ? honestPartition(plan, train, seed)[honestIndex]! : Int32Array.from({ length: train.size }, (_, i) => i);
  return cycleThrough(part, plan.samplesPerRank, seed, rank);
}
