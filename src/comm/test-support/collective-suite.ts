/**
 * The one collective test suite, run over every transport (Optuna/Gloo style: one suite per
 * interface, every implementation): world sizes 1..8 x element counts (0, 1, primes, a
 * non-multiple and a multiple of the world size, and 1.5M floats on some sizes) x every
 * all-reduce algorithm x sum/mean, broadcast and reduce from every root, all-gather and
 * reduce-scatter layouts, barrier, concurrent collectives, tagged point-to-point, timeouts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_REDUCE_ALGORITHMS, MESSAGE_ALL_REDUCE_ALGORITHMS, type AllReduceAlgorithm, type ReduceOp } from '../options.js';
import type { CollectiveCase } from './collective-cases.js';
import type { WorldHarness } from './harnesses.js';

export const WORLD_SIZES = [1, 2, 3, 4, 5, 6, 7, 8];
/** World sizes that also run the multi-megabyte vectors (power of two, odd, and the largest). */
export const LARGE_VECTOR_SIZES = [2, 3, 8];
export const LARGE_COUNT = 1_500_007;
const OPS: readonly ReduceOp[] = ['sum', 'mean'];

export function smallCounts(size: number): number[] {
  return [0, 1, 7, 13, 1021, size * 4 + 1, size * 6];
}

/** The all-reduce algorithms a transport runs: the message algorithms, and shared-memory where ranks share memory. */
export function allReduceAlgorithms(sharedMemory: boolean): readonly AllReduceAlgorithm[] {
  return sharedMemory ? ALL_REDUCE_ALGORITHMS : MESSAGE_ALL_REDUCE_ALGORITHMS;
}

export function allReduceCases(size: number, algorithms: readonly AllReduceAlgorithm[]): CollectiveCase[] {
  const cases: CollectiveCase[] = [];
  for (const algorithm of [...algorithms, 'auto' as const]) {
    for (const op of OPS) for (const count of smallCounts(size)) cases.push({ kind: 'allReduce', count, op, algorithm });
  }
  return cases;
}

export function largeCases(algorithms: readonly AllReduceAlgorithm[]): CollectiveCase[] {
  return [
    ...algorithms.map((algorithm): CollectiveCase => ({ kind: 'allReduce', count: LARGE_COUNT, op: 'sum', algorithm })),
    { kind: 'allReduce', count: LARGE_COUNT, op: 'mean', algorithm: 'ring' },
    { kind: 'broadcast', count: LARGE_COUNT, root: 1 },
    { kind: 'allGather', count: LARGE_COUNT },
    { kind: 'reduceScatter', count: LARGE_COUNT, op: 'sum' },
  ];
}

export function rootedCases(size: number): CollectiveCase[] {
  const cases: CollectiveCase[] = [];
  for (let root = 0; root < size; root++) {
    for (const count of [0, 1, 13, 1021]) cases.push({ kind: 'broadcast', count, root });
    for (const op of OPS) for (const count of [1, 1021]) cases.push({ kind: 'reduce', count, root, op });
  }
  return cases;
}

export function layoutCases(size: number): CollectiveCase[] {
  const cases: CollectiveCase[] = [];
  for (const count of smallCounts(size)) {
    cases.push({ kind: 'allGather', count });
    for (const op of OPS) cases.push({ kind: 'reduceScatter', count, op });
  }
  cases.push({ kind: 'barrier' }, { kind: 'concurrent', count: 1021 }, { kind: 'pointToPoint', count: 13 }, { kind: 'pointToPoint', count: 100_000 });
  return cases;
}

/** `sharedMemory`: the transport's ranks share memory (threads), so shared-memory all-reduce runs too. */
export function defineCollectiveSuite(createHarness: () => WorldHarness | Promise<WorldHarness>, { sharedMemory = false } = {}): void {
  const algorithms = allReduceAlgorithms(sharedMemory);
  let harness: WorldHarness;
  beforeAll(async () => {
    harness = await createHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  const runAll = async (size: number, cases: CollectiveCase[]): Promise<void> => {
    const passed = await harness.run<number>(size, 'runCollectiveCases', { cases });
    expect(passed).toEqual(new Array(size).fill(cases.length));
  };

  for (const size of WORLD_SIZES) {
    describe(`world size ${size}`, () => {
      it('allReduce: every algorithm, sum and mean, small counts', () => runAll(size, allReduceCases(size, algorithms)));
      it('broadcast and reduce from every root', () => runAll(size, rootedCases(size)));
      it('allGather and reduceScatter layouts, barrier, concurrent ops, tagged send/recv', () => runAll(size, layoutCases(size)));
      if (LARGE_VECTOR_SIZES.includes(size)) {
        it(`${LARGE_COUNT} floats: every collective`, () => runAll(size, largeCases(algorithms)));
      }
    });
  }

  it('a collective that a rank never joins times out naming the op, the rank and the peer; cancel works', async () => {
    const size = 3;
    const timeoutMs = 300;
    const results = await harness.run<string[]>(size, 'runTimeoutScenario', { timeoutMs });
    const [rank0, rank1] = results;
    expect(rank0[0]).toMatch(/^LoomError: recv on rank 0 timed out after 300 ms waiting for rank 2 \(recv of 16 bytes\)$/);
    expect(rank0[1]).toMatch(/^LoomError: allReduce:ring on rank 0 timed out after 300 ms waiting for rank 2 \(recv of \d+ bytes\)/);
    expect(rank1[0]).toMatch(/^LoomError: allReduce:ring on rank 1 timed out after 300 ms waiting for rank 0 \(recv of \d+ bytes\)/);
    expect(rank0[2]).toMatch(/^LoomError: barrier on rank 0: communicator unusable after an earlier failure/);
    expect(rank0[3]).toMatch(/^LoomError: recv on rank 0 was cancelled: stop requested waiting for rank 2 \(recv of 16 bytes\)$/);
  });

  it('a rank whose peer closed fails as a consequence (PeerGoneError), and a world reports the root cause', async () => {
    expect(await harness.run<boolean>(3, 'runRootCauseScenario', { delayMs: 0, rethrow: false })).toEqual([true, true, true]);
    // The others' consequential failures arrive first; the root cause 300 ms later is what the world reports.
    await expect(harness.run(3, 'runRootCauseScenario', { delayMs: 300, rethrow: true })).rejects.toThrow(/root cause on rank 2/);
  });
}
