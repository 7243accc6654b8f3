/**
 * Start-up measurement of alpha and beta: rank 0 ping-pongs a small and a large message with
 * every other rank in turn; alpha = half the small round trip, beta = the extra half round trip
 * per extra byte of the large one. Each probe is repeated after untimed warm-up trips (the first
 * trips of a fresh process run several times slower: JIT, TCP slow start) and the fastest trip is
 * kept, the least disturbed by other load. The slowest link's values are broadcast so every rank
 * holds the same model and `auto` picks the same algorithm everywhere.
 */
import { binomialBroadcast } from './broadcast/binomial-tree.js';
import type { CostModel } from './cost-model.js';
import type { Link } from './link.js';

export interface CalibrationOptions {
  /** Bytes of the latency probe (default 8). */
  smallBytes?: number;
  /** Bytes of the bandwidth probe (default 256 KiB). */
  largeBytes?: number;
  /** Timed round trips per probe (default 8), after untimed warm-up trips (20 small, 3 large). */
  repetitions?: number;
}

const WARM_UP = { small: 20, large: 3 };

export async function measureCostModel(link: Link, options: CalibrationOptions = {}): Promise<CostModel> {
  const small = new Float32Array(Math.max(1, Math.ceil((options.smallBytes ?? 8) / 4)));
  const large = new Float32Array(Math.max(small.length + 1, Math.ceil((options.largeBytes ?? 256 * 1024) / 4)));
  const repetitions = options.repetitions ?? 8;
  const result = new Float32Array(2);
  if (link.rank === 0) {
    for (let peer = 1; peer < link.size; peer++) {
      const alpha = (await fastestRoundTrip(link, peer, small, WARM_UP.small, repetitions)) / 2;
      const largeOneWay = (await fastestRoundTrip(link, peer, large, WARM_UP.large, repetitions)) / 2;
      // Should noise make the large probe look no slower than the small one, charge it all to bandwidth.
      const extra = largeOneWay > alpha ? largeOneWay - alpha : largeOneWay;
      result[0] = Math.max(result[0], alpha);
      result[1] = Math.max(result[1], extra / (large.byteLength - small.byteLength));
    }
  } else {
    for (const [probe, warmUp] of [[small, WARM_UP.small], [large, WARM_UP.large]] as const) {
      for (let i = 0; i < warmUp + repetitions; i++) {
        await link.recv(0, probe);
        await link.send(0, probe);
      }
    }
  }
  await binomialBroadcast(link, result, 0);
  return { alpha: result[0], beta: result[1], source: 'measured' };
}

async function fastestRoundTrip(link: Link, peer: number, probe: Float32Array, warmUp: number, repetitions: number): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < warmUp + repetitions; i++) {
    const start = link.now();
    await link.send(peer, probe);
    await link.recv(peer, probe);
    if (i >= warmUp) fastest = Math.min(fastest, link.now() - start);
  }
  return fastest;
}
