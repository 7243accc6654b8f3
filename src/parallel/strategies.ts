/**
 * The strategies a config can name (`strategy: { type: ps, ... }`; default ddp), each with its
 * options checked by its own schema before any worker starts. An explicit, typed registry: adding
 * a strategy is one line here.
 */
import type { LoomConfig } from '../config/schema.js';
import { validateWith } from '../config/load.js';
import { LoomError, showValue } from '../util/errors.js';
import { ddpStrategy } from './ddp/ddp-strategy.js';
import { adpsgdStrategy } from './gossip/adpsgd-strategy.js';
import { chocoStrategy } from './gossip/choco-strategy.js';
import { dpsgdStrategy } from './gossip/dpsgd-strategy.js';
import { gossipGradStrategy } from './gossip/gossipgrad-strategy.js';
import { sgpStrategy } from './gossip/sgp-strategy.js';
import { localSgdStrategy } from './local-sgd/local-sgd-strategy.js';
import { smaStrategy } from './local-sgd/sma-strategy.js';
import { parameterServerStrategy } from './ps/ps-strategy.js';
import type { Strategy } from './strategy.js';

// Each entry is a Strategy of its own options type; the registry only passes options back to the strategy that validated them.
const STRATEGIES: Readonly<Record<string, Strategy<never>>> = {
  ddp: ddpStrategy as Strategy<never>,
  ps: parameterServerStrategy as Strategy<never>,
  'local-sgd': localSgdStrategy as Strategy<never>,
  sma: smaStrategy as Strategy<never>,
  'd-psgd': dpsgdStrategy as Strategy<never>,
  'ad-psgd': adpsgdStrategy as Strategy<never>,
  sgp: sgpStrategy as Strategy<never>,
  gossipgrad: gossipGradStrategy as Strategy<never>,
  'choco-sgd': chocoStrategy as Strategy<never>,
};

export const STRATEGY_NAMES = Object.keys(STRATEGIES);

export interface ResolvedStrategy {
  readonly strategy: Strategy<never>;
  /** The validated options (defaults filled in). */
  readonly options: never;
  /** Every rank's role; its length is the job's world size. */
  readonly roles: readonly string[];
}

/**
 * The config's strategy with its options validated and checked, and the role of every rank. With
 * `world`, the roles are for a job of that many ranks (a restart after a failure runs with the
 * survivors: the strategy's extra ranks stay, the workers shrink).
 */
export function resolveStrategy(config: LoomConfig, world?: number): ResolvedStrategy {
  const { type, ...rest } = config.strategy ?? { type: 'ddp' };
  const strategy = STRATEGIES[type];
  if (!strategy) throw new LoomError(`config key strategy.type = ${showValue(type)} is invalid: expected one of ${STRATEGY_NAMES.join(', ')}`);
  const options = validateWith(strategy.options, rest, ['strategy']);
  if (config.robust && !strategy.robustAggregation) throw new LoomError(`config key robust: robust aggregation runs on the ddp strategy, not ${strategy.name}`);
  strategy.check?.(options, config);
  const workers = config.distributed.workers;
  let roles = strategy.roles(workers, options, config);
  if (world !== undefined && world !== roles.length) {
    const extra = roles.length - workers;
    if (world - extra < 1) throw new LoomError(`strategy ${strategy.name} needs at least ${extra + 1} ranks, but the job has ${world}`);
    roles = strategy.roles(world - extra, options, config);
  }
  return { strategy, options, roles };
}

/** Whether a job of this config, at `world` ranks, can go on without `rank` (distributed.onFailure continue). */
export function toleratesLoss(config: LoomConfig, rank: number, world: number): boolean {
  const { strategy, options, roles } = resolveStrategy(config, world);
  return strategy.tolerates?.(rank, roles, options) ?? false;
}

/** Ranks a job of this config has (distributed.workers plus any ranks its strategy adds). */
export function worldSize(config: LoomConfig): number {
  return resolveStrategy(config).roles.length;
}
