/**
 * Start-up measurement of alpha and beta: rank 0 ping-pongs a small and a large message with
 * every other rank in turn; alpha = half the small round trip, beta = the extra half round trip
 * per extra byte of the large one (medians over repetitions). The slowest link's values are
 * broadcast so every rank holds the same model and `auto` picks the same algorithm everywhere.
 */
import { binomialBroadcast } from './broadcast/binomial-tree.js';
import type { CostModel } from './cost-model.js';
import type { Link } from './link.js';

export interface CalibrationOptions {
  /** Bytes of the latency probe (default 8). */
  smallBytes?: number;
  /** Bytes of the bandwidth probe (default 256 KiB). */
  largeBytes?: number;
  /** Timed round trips per probe, after 2 untimed ones (default 7). */
  repetitions?: number;
}

export async function measureCostModel(link: Link, options: CalibrationOptions = {}): Promise<CostModel> {
  const small = new Float32Array(Math.max(1, Math.ceil((options.smallBytes ?? 8) / 4)));
  const large = new Float32Array(Math.max(small.length + 1, Math.ceil((options.largeBytes ?? 256 * 1024) / 4)));
  const repetitions = options.repetitions ?? 7;
  const result = new Float32Array(2);
  if (link.rank === 0) {
    for (let peer = 1; peer < link.size; peer++) {
      const smallTrip = await roundTrip(link, peer, small, repetitions);
      const largeTrip = await roundTrip(link, peer, large, repetitions);
      const alpha = smallTrip / 2;
      const beta = Math.max(0, largeTrip / 2 - alpha) / (large.byteLength - small.byteLength);
      result[0] = Math.max(result[0], alpha);
      result[1] = Math.max(result[1], beta);
    }
  } else {
    for (const probe of [small, large]) {
      for (let i = 0; i < repetitions + 2; i++) {
        await link.recv(0, probe);
        await link.send(0, probe);
      }
    }
  }
  await binomialBroadcast(link, result, 0);
  return { alpha: result[0], beta: result[1], source: 'measured' };
}

async function roundTrip(link: Link, peer: number, probe: Float32Array, repetitions: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repetitions + 2; i++) {
    const start = link.now();
    await link.send(peer, probe);
    await link.recv(peer, probe);
    if (i >= 2) times.push(link.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
