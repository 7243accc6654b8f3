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
  // One straggler draw per compute, whether a strategy charges it or waits for its end.
  const computeSeconds = withStragglers(setup.config.distributed.stragglers, rank, setup.computeSeconds);
  const { now, advanceClock } = transport;
  const chargeCompute =
    setup.computeSeconds && computeSeconds && now && advanceClock
      ? (measured: number, samples: number): number => {
          const seconds = computeSeconds(measured, samples);
          advanceClock(now() + seconds);
          return seconds;
        }
      : computeSeconds;
  const priced = setup.computeSeconds && computeSeconds ? { computeSeconds } : {};
  const charged = chargeCompute ? { chargeCompute } : {};
  return strategy.run({ ...setup, ...priced, ...charged, rank, size: transport.size, role: roles[rank]!, roles, comm, timeoutMs }, options);
}
