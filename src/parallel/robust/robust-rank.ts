/**
 * The WorkerGroup of one rank of a robust run: its role from the plan, its samples, the server's
 * rule on rank 0 and the attack on the Byzantine ranks; with DRACO, the determinism check first.
 */
import type { Communicator } from '../../comm/index.js';
import type { LoomConfig } from '../../config/schema.js';
import type { DatasetSplit } from '../../data/index.js';
import type { Model } from '../../nn/model.js';
import type { CommGroupOptions } from '../ddp/comm-group.js';
import { checkBitwiseDeterminism } from './determinism.js';
import { localSamples } from './local-samples.js';
import { RobustGroup } from './robust-group.js';
import { attackOf, planRobustRun, serverRule } from './robust-plan.js';

export async function robustGroup(
  comm: Communicator,
  config: LoomConfig,
  model: Model,
  data: DatasetSplit,
  options: Omit<CommGroupOptions, 'buckets'>,
): Promise<RobustGroup> {
  const plan = planRobustRun(config);
  const rank = comm.rank;
  if (plan.dracoR !== null) await checkBitwiseDeterminism(comm, model, data.train, plan.samplesPerRank, options.timeoutMs ?? 60_000);
  return new RobustGroup(comm, {
    ...options,
    plan,
    rule: rank === 0 ? serverRule(plan) : null,
    attack: plan.byzantine.includes(rank) ? attackOf(plan, config.seed) : null,
    samples: localSamples(plan, rank, data.train, config.seed),
    classes: data.train.numClasses,
  });
}
