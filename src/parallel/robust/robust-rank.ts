/**
 * The WorkerGroup of one rank of a robust run: its role from the plan, its samples, the server's
 * rule on rank 0 and the attack on the Byzantine ranks; with DRACO, the determinism check first;
 * with compression, the compressors of its vector (and, on the leader, of the forged ones) and the
 * server's decoder.
 */
import type { Communicator } from '../../comm/index.js';
import type { LoomConfig } from '../../config/schema.js';
import type { DatasetSplit } from '../../data/index.js';
import type { Model } from '../../nn/model.js';
import type { CompressionSpec } from '../../compress/index.js';
import type { RankState } from '../../train/checkpoint.js';
import { PushCompression, PushDecoding } from '../compression/compressed-push.js';
import type { CommGroupOptions } from '../ddp/comm-group.js';
import { checkBitwiseDeterminism } from './determinism.js';
import { localSamples } from './local-samples.js';
import { RobustGroup, type RobustCompression } from './robust-group.js';
import { attackOf, planRobustRun, serverRule } from './robust-plan.js';

export async function robustGroup(
  comm: Communicator,
  config: LoomConfig,
  model: Model,
  data: DatasetSplit,
  options: Omit<CommGroupOptions, 'buckets'>,
  compression: CompressionSpec | null = null,
  resumed: RankState | null = null,
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
    compression: compression ? robustCompression(compression, plan.byzantine, plan.leader, model, config.seed, rank, comm.size) : null,
  }, resumed);
}

function robustCompression(spec: CompressionSpec, byzantine: readonly number[], leader: number | null, model: Model, seed: number, rank: number, size: number): RobustCompression {
  const whole = [[0, model.params.length] as const];
  const compressorOf = (r: number, withSpec = spec) => new PushCompression(withSpec, whole, model.segments, seed, r, size);
  return {
    own: compressorOf(rank),
    // An attacker forges afresh every step what the server should see, so keeps no residual of it.
    forgers: rank === leader ? byzantine.map((r) => compressorOf(r, { ...spec, errorFeedback: false })) : [],
    decoding: rank === 0 ? new PushDecoding(spec, whole[0]!, model.segments, seed, size) : null,
  };
}
