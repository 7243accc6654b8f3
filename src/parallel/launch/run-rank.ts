/**
 * What every launcher runs on each rank, whatever the strategy: resolve the config's strategy,
 * give the rank its role and a communicator over the launcher's transport, and run the
 * strategy's loop for that role.
 */
import { Communicator, type Transport } from '../../comm/index.js';
import type { TrainResult } from '../../train/trainer.js';
import { resolveStrategy } from '../strategies.js';
import type { RankSetup } from '../strategy.js';
import { withStragglers } from '../stragglers.js';

export async function runRank(transport: Transport, setup: RankSetup): Promise<TrainResult> {
  const { strategy, options, roles } = resolveStrategy(setup.config, transport.size);
  const timeoutMs = setup.config.distributed.timeoutSec * 1000;
  const comm = await Communicator.create(transport, { timeoutMs });
  const rank = transport.rank;
  const chargeCompute = withStragglers(setup.config.distributed.stragglers, rank, setup.chargeCompute);
  return strategy.run({ ...setup, ...(chargeCompute ? { chargeCompute } : {}), rank, size: transport.size, role: roles[rank]!, roles, comm, timeoutMs }, options);
}
