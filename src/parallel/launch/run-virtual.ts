/**
 * `virtual` mode: N logical ranks in this thread, each with its own model computing real
 * gradients, over the in-process transport with a simulated clock. Each rank's compute is measured
 * and charged to its clock; every message costs alpha + bytes x beta of the configured network.
 * Reported times and throughput are simulated seconds.
 */
import { alphaBetaCost, VirtualWorld } from '../../comm/index.js';
import { initBackend } from '../../compute/index.js';
import type { DistributedConfig } from '../../config/schema.js';
import { loadDataset } from '../../data/index.js';
import type { TrainResult } from '../../train/trainer.js';
import { runDdpRank } from '../ddp/ddp-rank.js';
import type { DriverOptions } from './driver-options.js';

/** The configured network as a message cost: alpha seconds per message, beta seconds per byte. */
export function networkCost(network: DistributedConfig['network']): { alpha: number; beta: number } {
  return { alpha: network.latencyUs * 1e-6, beta: 8 / (network.bandwidthGbps * 1e9) };
}

export async function trainVirtual(options: DriverOptions): Promise<TrainResult[]> {
  const { config, metrics } = options;
  const size = config.distributed.workers;
  const { alpha, beta } = networkCost(config.distributed.network);
  const world = new VirtualWorld(size, { cost: alphaBetaCost(alpha, beta) });
  const clock = world.clock!;
  await initBackend(config.backend ? { backend: config.backend } : {});
  const data = loadDataset(config.data);
  let stop: (() => void) | null = null;
  const onStop = (): void => stop?.();
  options.stopSignal?.addEventListener('abort', onStop, { once: true });
  const failure = new AbortController();
  try {
    const ranks = Array.from({ length: size }, (_, rank) =>
      runDdpRank(world.transport(rank), {
        config,
        data,
        signal: failure.signal,
        ...(options.resume ? { resume: options.resume } : {}),
        advanceClock: (seconds) => clock.advance(rank, seconds),
        ...(rank === 0 ? { report: (record, persist) => metrics.publish(record, persist), onStart: (request) => (stop = request) } : {}),
      }).catch((error: unknown) => {
        failure.abort(error); // the other ranks would wait for this one until their timeout
        throw error;
      }),
    );
    return await Promise.all(ranks);
  } finally {
    options.stopSignal?.removeEventListener('abort', onStop);
  }
}
