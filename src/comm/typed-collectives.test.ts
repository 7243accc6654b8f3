/**
 * Collectives over every element type and reduction: transport (virtual, threads) x world size
 * (1, 2, 3, 5) x element count (0, 1, odd, large), exact results for integers and bytes, bit-exact
 * 16-bit floats against a float64 reference rounded once, custom reductions, and the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Communicator } from './communicator.js';
import { allReduceAlgorithms } from './test-support/collective-suite.js';
import { threadsHarness, virtualHarness, type WorldHarness } from './test-support/harnesses.js';
import { maxAbs, type ElementKind, type TypedCase, type TypedOp } from './test-support/typed-cases.js';
import { createVirtualTransports } from './transports/virtual/virtual-transport.js';

const SIZES = [1, 2, 3, 5];
const LARGE = 100_003;
const counts = [0, 1, 13, LARGE];
const TYPES: readonly ElementKind[] = ['f32', 'f64', 'i32', 'u8', 'f16', 'bf16'];
/** Every reduction each type supports (float32 sum and mean: the shared collective suite). */
const OPS: Readonly<Record<ElementKind, readonly TypedOp[]>> = {
  f32: ['max', 'min', 'prod', 'maxAbs'],
  f64: ['sum', 'mean', 'max', 'min', 'prod', 'maxAbs'],
  i32: ['sum', 'max', 'min', 'prod', 'bitOr'],
  u8: ['max', 'min', 'bitOr'],
  f16: ['sum', 'mean', 'max', 'min'],
  bf16: ['sum', 'mean', 'max', 'min'],
};

function reductionCases(size: number, sharedMemory: boolean): TypedCase[] {
  const ALGORITHMS = [...allReduceAlgorithms(sharedMemory), 'auto' as const];
  const cases: TypedCase[] = [];
  let rotate = 0;
  for (const type of TYPES) {
    for (const op of OPS[type]) {
      for (const count of counts) {
        // Small vectors run every algorithm; the large one a different algorithm per op.
        const algorithms = count === LARGE ? [ALGORITHMS[rotate++ % ALGORITHMS.length]] : ALGORITHMS;
        for (const algorithm of algorithms) cases.push({ kind: 'allReduce', type, op, count, algorithm });
      }
      cases.push({ kind: 'reduce', type, op, count: 13, root: size - 1 }, { kind: 'reduceScatter', type, op, count: 4 * size + 1 });
    }
  }
  return cases;
}

function movingCases(size: number): TypedCase[] {
  const cases: TypedCase[] = [];
  for (const type of TYPES) {
    for (const count of counts) {
      cases.push({ kind: 'broadcast', type, count, root: 0 }, { kind: 'broadcast', type, count, root: size - 1 }, { kind: 'allGather', type, count });
    }
    const ranks = Array.from({ length: size }, (_, r) => r);
    cases.push(
      { kind: 'allGatherV', type, counts: ranks.map(() => 0) },
      { kind: 'allGatherV', type, counts: ranks.map((r) => r) }, // rank 0 gives nothing
      { kind: 'allGatherV', type, counts: ranks.map((r) => (r === size - 1 ? LARGE : 1)) },
      { kind: 'allGatherV', type, counts: ranks.map((r) => (r % 2 === 1 ? 0 : 13 + r)) },
    );
  }
  return cases;
}

function defineTypedSuite(createHarness: () => WorldHarness, sharedMemory: boolean): void {
  let harness: WorldHarness;
  beforeAll(() => {
    harness = createHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });
  const runAll = async (size: number, cases: TypedCase[]): Promise<void> => {
    expect(await harness.run<number>(size, 'runTypedCases', { cases })).toEqual(new Array(size).fill(cases.length));
  };
  for (const size of SIZES) {
    describe(`world size ${size}`, () => {
      it('allReduce, reduce and reduceScatter: every type, every op, every algorithm', () => runAll(size, reductionCases(size, sharedMemory)));
      it('broadcast, allGather and allGatherV move every type exactly', () => runAll(size, movingCases(size)));
    });
  }
}

describe('typed collectives over the virtual transport', () => defineTypedSuite(virtualHarness, false));
describe('typed collectives over the threads transport (one worker_thread per rank)', () => defineTypedSuite(threadsHarness, true));

const world = (size: number): Communicator[] => createVirtualTransports(size).map((t) => new Communicator(t, { timeoutMs: 2_000 }));

describe('typed collectives', () => {
  it('int32 sums and products wrap as int32 arithmetic', async () => {
    const comms = world(2);
    const bufs = comms.map((c) => Int32Array.of(2 ** 31 - 1, 0x10000, -(2 ** 31)));
    await Promise.all(comms.map((c, i) => c.allReduce(bufs[i], { op: 'sum' })));
    expect([...bufs[1]]).toEqual([-2, 0x20000, 0]);
    // (2^31 - 1)^2 is beyond 2^53: a float64 product would lose the low bits that int32 keeps.
    const prods = comms.map(() => Int32Array.of(0x10000, -3, 2 ** 31 - 1));
    await Promise.all(comms.map((c, i) => c.allReduce(prods[i], 'prod')));
    expect([...prods[0]]).toEqual([0, 9, 1]);
  });

  it('a custom op runs on the caller type; here max by absolute value', async () => {
    const comms = world(3);
    const bufs = [Float64Array.of(1, -7, 2), Float64Array.of(-4, 3, -2), Float64Array.of(2, 6, 0)];
    await Promise.all(comms.map((c, i) => c.allReduce(bufs[i], { op: maxAbs, algorithm: 'ring' })));
    for (const b of bufs) expect([...b]).toEqual([-4, -7, 2]);
  });

  it('f16 mean rounds once, to nearest even: 1 + 2^-11 is a tie and goes to 1', async () => {
    const comms = world(2);
    // 1 and 1 + 2^-10 (0x3c00, 0x3c01): sum 2 + 2^-10 is exact in f16; the mean 1 + 2^-11 is a tie.
    const bufs = [Uint16Array.of(0x3c00), Uint16Array.of(0x3c01)];
    await Promise.all(comms.map((c, i) => c.allReduce(bufs[i], { op: 'mean', dtype: 'f16' })));
    expect([bufs[0][0], bufs[1][0]]).toEqual([0x3c00, 0x3c00]);
  });

  it('refuses, in one line and before any communication: unknown op, op on an unsupported type, mismatched counts', async () => {
    const [c] = world(3);
    const refusals: [Promise<void>, RegExp][] = [
      [c.allReduce(new Float64Array(2), { op: 'avg' as 'sum' }), /^allReduce on rank 0: op must be one of 'sum', 'mean', 'max', 'min', 'prod' or a function \(into, from\) => void, got "avg"$/],
      [c.allReduce(new Uint8Array(2), { op: 'sum' }), /^allReduce on rank 0: op 'sum' is not defined on Uint8Array \(bytes are masks and flags: use 'max', 'min' or a custom op\)$/],
      [c.allReduce(new Uint8Array(2), 'prod'), /^allReduce on rank 0: op 'prod' is not defined on Uint8Array/],
      [c.allReduce(new Int32Array(2), 'mean'), /^allReduce on rank 0: op 'mean' is not defined on Int32Array \(an integer mean would round: use 'sum' and divide\)$/],
      [c.allReduce(new Uint16Array(2), 'sum'), /^allReduce on rank 0: a Uint16Array needs dtype 'f16' or 'bf16' to be reduced with 'sum'$/],
      [c.allReduce(new Float32Array(2), { dtype: 'f16' }), /^allReduce on rank 0: dtype "f16" reads a Uint16Array, got Float32Array$/],
      [c.reduceScatter(new Uint16Array(3), new Uint16Array(1), { dtype: 'fp8' as 'f16' }), /^reduceScatter on rank 0: dtype must be 'f16' or 'bf16', got "fp8"$/],
      [Reflect.apply(c.allReduce, c, [new Int16Array(2), 'max']), // as an untyped (JavaScript) caller would
       /^allReduce on rank 0: buffer must be a Float32Array, Float64Array, Int32Array, Uint8Array or Uint16Array, got Int16Array$/],
      [c.allGatherV(new Float64Array(3), [4, 0, 1], new Float64Array(5)), /^allGatherV on rank 0: part has 3 elements, but counts\[0\] is 4$/],
      [c.allGatherV(new Float64Array(4), [4, 0, 2], new Float64Array(5)), /^allGatherV on rank 0: out has 5 elements, but the counts add up to 6$/],
      [c.allGatherV(new Float64Array(4), [4, 1], new Float64Array(5)), /^allGatherV on rank 0: counts must have one entry per rank \(3\), got 2 entries$/],
      [c.allGatherV(new Float64Array(4), [4, -1, 2], new Float64Array(5)), /^allGatherV on rank 0: counts\[1\] must be a non-negative integer, got -1$/],
      [Reflect.apply(c.allGather, c, [new Float64Array(4), new Float32Array(10)]), /^allGather on rank 0: part is a Float64Array but out is a Float32Array$/],
    ];
    for (const [promise, pattern] of refusals) await expect(promise).rejects.toThrow(pattern);
    expect(c.stats.snapshot().calls).toBe(0);
  });

  it('says which rank sent a part of the wrong size when ranks pass different counts', async () => {
    const comms = world(2);
    const given = [
      [1, 2],
      [1, 3],
    ];
    const results = await Promise.allSettled(comms.map((c, r) => c.allGatherV(new Int32Array(given[r][r]), given[r], new Int32Array(given[r][0] + given[r][1]), { timeoutMs: 300 })));
    const reason = (r: PromiseSettledResult<void>): string => (r.status === 'rejected' ? (r.reason as Error).message : 'ok');
    expect(reason(results[0])).toMatch(/^allGatherV on rank 0 failed: .*rank 1 sent 12 bytes where 8 were expected|more than the 8-byte receive buffer/);
  });
});
