/**
 * Who does what in a Byzantine-robust data-parallel job, checked once before any worker starts:
 * rank 0 hosts the aggregating server (trusted, and an honest worker); the Byzantine ranks (the
 * last `count` unless listed) run the attack, the first of them leading it (it collects what the
 * attackers observe, forges their f vectors and sends them to the server); with DRACO, ranks
 * [g r, g r + r) form group g.
 */
import type { LoomConfig, RobustConfig } from '../../config/schema.js';
import type { CompressionSpec } from '../../compress/index.js';
import { checkPushable } from '../compression/compressed-push.js';
import { attackFromSpec, average, dracoGroups, RobustRuleError, ruleFromSpec, type Aggregator, type Attack } from '../../robust/index.js';
import { LoomError, showValue } from '../../util/errors.js';

export interface RobustPlan {
  readonly config: RobustConfig;
  readonly size: number;
  /** The f the server's rule is built for. */
  readonly f: number;
  /** Byzantine ranks, ascending. */
  readonly byzantine: readonly number[];
  /** Honest ranks, ascending (rank 0 first). */
  readonly honest: readonly number[];
  /** The Byzantine rank that forges (null without attackers). */
  readonly leader: number | null;
  /** True when the attackers see the honest gradients. */
  readonly omniscient: boolean;
  /** DRACO's group size, or null. */
  readonly dracoR: number | null;
  /** How many samples of the global batch each rank computes on per step. */
  readonly samplesPerRank: number;
}

/** Runs a robust/ constructor, turning its refusal into the CLI's one-line error. */
export function robustCheck<T>(what: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof RobustRuleError) throw new LoomError(`${what}: ${error.message}`, { cause: error });
    throw error;
  }
}

export function planRobustRun(config: LoomConfig): RobustPlan {
  const robust = config.robust;
  if (!robust) throw new LoomError('planRobustRun needs a robust section');
  const size = config.distributed.workers;
  if (size < 2) throw new LoomError(`a robust run needs distributed.workers >= 2 (a server and its workers); got ${size}`);
  const { count } = robust.byzantine;
  const ranks = robust.byzantine.ranks ?? Array.from({ length: count }, (_, i) => size - count + i);
  if (ranks.length !== count) throw new LoomError(`robust.byzantine.ranks lists ${ranks.length} ranks but byzantine.count is ${count}`);
  const byzantine = [...new Set(ranks)].sort((a, b) => a - b);
  if (byzantine.length !== ranks.length) throw new LoomError(`robust.byzantine.ranks repeats a rank: ${showValue(ranks)}`);
  for (const rank of byzantine) {
    if (rank === 0) throw new LoomError('robust.byzantine.ranks includes 0: rank 0 hosts the aggregating server and must be honest');
    if (rank >= size) throw new LoomError(`robust.byzantine.ranks has rank ${rank}, but there are ${size} workers (ranks 0..${size - 1})`);
  }
  if (count >= size) throw new LoomError(`robust.byzantine.count ${count} leaves no honest worker among distributed.workers ${size}`);
  const honest = Array.from({ length: size }, (_, r) => r).filter((r) => !byzantine.includes(r));
  const attack = robust.byzantine.attack;
  // Label flipping sends its workers' own gradients on flipped labels, whatever they could see.
  const omniscient = robust.byzantine.omniscient && attack.type !== 'label-flipping';
  const dracoR = robust.redundancy ? robust.redundancy.r : null;
  const parts = dracoR === null ? size : robustCheck('robust.redundancy', () => dracoGroups(size, dracoR));
  const batchSize = config.train.batchSize;
  if (batchSize % parts !== 0) {
    throw new LoomError(
      `train.batchSize ${batchSize} must be a multiple of ${dracoR === null ? `distributed.workers (${size})` : `the ${parts} DRACO groups`} in a robust run: every worker's gradient must weigh the same`,
    );
  }
  const f = robust.f ?? count;
  const plan: RobustPlan = {
    config: robust,
    size,
    f,
    byzantine,
    honest,
    leader: byzantine[0] ?? null,
    omniscient,
    dracoR,
    samplesPerRank: batchSize / parts,
  };
  const rule = serverRule(plan);
  // The rule's requirement on n (after any bucketing) is checked on each call: one call on n
  // one-value vectors, with a throwaway instance, refuses a job that would fail at its first step.
  if (rule) robustCheck('robust.aggregator', () => rule.aggregate(Array.from({ length: size }, () => new Float32Array(1)), new Float32Array(1)));
  if (count > 0) attackOf(plan, config.seed);
  return plan;
}

/** The server's rule (null with DRACO, which decodes instead). */
export function serverRule(plan: RobustPlan): Aggregator | null {
  const { aggregator, preAggregators } = plan.config;
  if (!aggregator) return null;
  return robustCheck('robust.aggregator', () => ruleFromSpec(aggregator, preAggregators, plan.f));
}

/** The attack the leader runs; optimal attacks get their own instance of the server's rule. */
export function attackOf(plan: RobustPlan, seed: number): Attack {
  return robustCheck('robust.byzantine.attack', () =>
    attackFromSpec(plan.config.byzantine.attack, {
      seed,
      // With DRACO there is no rule to search against; the optimal attacks then aim at the mean.
      rule: () => serverRule(plan) ?? average(),
    }),
  );
}

/** A compressor in front of the robust server: one whose encodings decode alone, and not under DRACO's bitwise majority vote. */
export function checkRobustCompression(spec: CompressionSpec, config: LoomConfig): void {
  if (config.robust?.redundancy) {
    throw new LoomError(`config key strategy.compression.type = ${showValue(spec.type)} cannot run with robust.redundancy: DRACO's majority vote compares the group's vectors bit for bit`);
  }
  checkPushable(spec, 'robust aggregation', 'the robust server');
}
