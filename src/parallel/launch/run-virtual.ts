/**
 * `virtual` mode: N logical ranks in this thread, each with its own model computing real
 * gradients, over the in-process transport with a simulated clock. Each rank's compute is measured
 * and charged to its clock; every message costs alpha + bytes x beta of the configured network.
 * Reported times and throughput are simulated seconds.
 *
 * Compute is charged as `distributed.virtualCompute` says: by default every sample costs the same
 * seconds, calibrated once here on this machine (or from the model's FLOPs at computeGflops), so a
 * simulation is deterministic and ranks are not skewed by running one after another on one core.
 */
import { alphaBetaCost, hierarchicalCost, VirtualWorld, type LinkModel, type MessageCost } from '../../comm/index.js';
import { LoomError, PeerGoneError } from '../../util/errors.js';
import { allOrRootFailure } from '../../util/root-failure.js';
import { initBackend } from '../../compute/index.js';
import type { DistributedConfig } from '../../config/schema.js';
import { loadDataset, type DatasetSplit } from '../../data/index.js';
import type { LoomConfig } from '../../config/schema.js';
import { buildModel } from '../../train/run.js';
import { setMaxListeners } from 'node:events';
import type { TrainResult } from '../../train/trainer.js';
import { worldSize } from '../strategies.js';
import { WorldView } from '../world-view.js';
import { runRank } from './run-rank.js';
import type { DriverOptions } from './driver-options.js';

type Link = { latencyUs: number; bandwidthGbps: number };

/** A configured link as alpha seconds per message and beta seconds per byte. */
export function networkCost(link: Link): LinkModel {
  return { alpha: link.latencyUs * 1e-6, beta: 8 / (link.bandwidthGbps * 1e9) };
}

/** The configured network as the virtual clock's message cost (flat, or nodes of ranksPerNode). */
export function networkMessageCost(network: DistributedConfig['network']): MessageCost {
  const intra = networkCost(network);
  if (network.ranksPerNode === undefined) return alphaBetaCost(intra.alpha, intra.beta);
  if (!network.interNode) throw new LoomError('distributed.network.ranksPerNode needs distributed.network.interNode (the links between nodes)');
  return hierarchicalCost(network.ranksPerNode, intra, networkCost(network.interNode));
}

export async function trainVirtual(options: DriverOptions): Promise<TrainResult[]> {
  const { config, metrics } = options;
  const size = worldSize(config);
  const world = new VirtualWorld(size, { cost: networkMessageCost(config.distributed.network) });
  await initBackend(config.backend ? { backend: config.backend } : {});
  const data = loadDataset(config.data);
  const perSample = config.distributed.virtualCompute === 'calibrated' ? secondsPerSample(config, data) : null;
  const computeSeconds = (measured: number, samples: number): number => (perSample === null ? measured : perSample * samples);
  let stop: (() => void) | null = null;
  const onStop = (): void => stop?.();
  options.stopSignal?.addEventListener('abort', onStop, { once: true });
  const view = new WorldView(size);
  const failure = new AbortController();
  setMaxListeners(0, failure.signal); // every rank's every collective listens to it
  try {
    const ranks = Array.from({ length: size }, (_, rank) =>
      runRank(world.transport(rank), {
        config,
        data,
        signal: failure.signal,
        ...(options.resume ? { resume: options.resume } : {}),
        computeSeconds,
        world: view,
        ...(rank === 0 ? { report: (record, persist) => metrics.publish(record, persist), onStart: (request) => (stop = request) } : {}),
      }),
    );
    // On the first failure abort the others (they would wait for the failed rank until their timeout).
    // The abort's reason is a PeerGoneError, so their failures read as consequences of this one.
    const abortOthers = (error: unknown): void => failure.abort(new PeerGoneError(`another rank failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
    return await allOrRootFailure(ranks, undefined, abortOthers);
  } finally {
    options.stopSignal?.removeEventListener('abort', onStop);
  }
}

/**
 * Seconds one training sample costs: 3 x forward FLOPs at computeGflops when given, else timed
 * here (median of 5 steps after 2 warm-ups) at the per-rank batch size.
 */
export function secondsPerSample(config: LoomConfig, data: DatasetSplit): number {
  const model = buildModel(config, data);
  try {
    const gflops = config.distributed.computeGflops;
    if (gflops !== undefined) return (3 * model.layers.reduce((sum, layer) => sum + layer.forwardFlops, 0)) / (gflops * 1e9);
    const samples = Math.max(1, Math.ceil(config.train.batchSize / config.distributed.workers));
    const indices = Int32Array.from({ length: Math.min(samples, data.train.size) }, (_, i) => i);
    const batch = data.train.batch(indices);
    const grad = new Float32Array(model.params.length);
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const started = performance.now();
      model.lossAndGrad(batch, grad);
      if (i >= 2) times.push((performance.now() - started) / 1000);
    }
    times.sort((a, b) => a - b);
    return times[2] / indices.length;
  } finally {
    model.dispose();
  }
}
