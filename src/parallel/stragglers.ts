/**
 * Straggler injection, a wrapper around a rank's compute (DESIGN.md: cross-cutting policy wraps):
 * the configured ranks compute `slowdown` times slower for good, and each step of every rank is
 * `slowdown` times slower with `probability`, drawn from (seed, rank, step count). In virtual mode
 * the slower compute is charged to the rank's simulated clock; elsewhere the rank really sleeps
 * the extra time (blocking, without using the core, as a slower machine would leave it idle).
 */
import type { DistributedConfig } from '../config/schema.js';
import { Rng } from '../util/rng.js';

type Stragglers = NonNullable<DistributedConfig['stragglers']>;
export type ChargeCompute = (measuredSeconds: number, samples: number) => number;

/** The slowdown of `rank`'s `call`-th compute (1: none). */
export function slowdownOf(stragglers: Stragglers, rank: number, call: number): number {
  let factor = stragglers.ranks.includes(rank) ? stragglers.slowdown : 1;
  if (stragglers.probability > 0 && Rng.derive(stragglers.seed, 0x57a6, rank, call).next() < stragglers.probability) factor *= stragglers.slowdown;
  return factor;
}

/**
 * The compute of `rank` with stragglers injected: the simulated seconds `price` (virtual mode)
 * gives the slowed-down work, or, without a price, a real sleep for the extra time.
 */
export function withStragglers(stragglers: Stragglers | undefined, rank: number, price: ChargeCompute | undefined): ChargeCompute | undefined {
  if (!stragglers) return price;
  let calls = 0;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  return (measured, samples) => {
    const factor = slowdownOf(stragglers, rank, calls++);
    if (price) return price(measured * factor, samples * factor);
    const extra = (factor - 1) * measured;
    if (extra > 0) Atomics.wait(sleeper, 0, 0, extra * 1000);
    return measured + extra;
  };
}
