import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/load.js';
import { Communicator } from '../communicator.js';
import { ThreadPool } from '../transports/threads/pool.js';
import { createVirtualTransports } from '../transports/virtual/virtual-transport.js';

const pool = ThreadPool.create();
afterAll(() => pool.close());
const module = new URL('../test-support/shared-memory-scenarios.ts', import.meta.url);
const run = <R>(size: number, exportName: string, data: unknown = {}) => pool.run<R>(size, { module, exportName }, data, { arenaSlotBytes: 4096 });

describe('shared-memory all-reduce (threads arena)', () => {
  it('runs collectives launched together one after another, exact, across many slots; counts traffic as a ring would', async () => {
    // 4 KiB slots: 1,000 floats per chunk, so 2,500 floats cross three chunks of both parities.
    const counts = [2_500, 1_001, 3];
    const results = await run<{ exact: boolean[]; bytesSent: number; bytesReceived: number }>(3, 'concurrentSums', { counts });
    const bytes = counts.reduce((a, n) => a + n * 4, 0);
    for (const r of results) {
      expect(r.exact).toEqual([true, true, true]);
      expect(r.bytesSent).toBeCloseTo((2 * 2 * bytes) / 3, 6);
      expect(r.bytesReceived).toBeCloseTo((2 * 2 * bytes) / 3, 6);
    }
  });

  it('names the rank that passed another length', async () => {
    const [rank0] = await run<string[]>(2, 'differentLengths');
    expect(rank0).toMatch(/^allReduce:shared-memory on rank 0 failed: rank 1 passed 404 bytes where this rank passed 400 \(do all ranks pass buffers of the same length\?\)$/);
  });

  it('notices ranks that call collectives in different orders', async () => {
    const results = await run<string[]>(2, 'differentOrder');
    expect(results[0]).toMatch(/^allReduce:shared-memory on rank 0 failed: rank 1 is in another collective/);
    expect(results[1]).toMatch(/^allReduce:shared-memory on rank 1 failed: rank 0 is in another collective \(do all ranks call the same collectives in the same order\?\)$/);
  });

  it('times out naming the rank and the phase it waited for', async () => {
    const [rank0, rank1] = await run<string[]>(3, 'neverJoins', { timeoutMs: 300 });
    expect(rank0).toMatch(/^allReduce:shared-memory on rank 0 timed out after 300 ms waiting for rank 2 \(shared-memory staged of chunk 1\)$/);
    expect(rank1).toMatch(/^allReduce:shared-memory on rank 1 timed out after 300 ms waiting for rank 2 \(shared-memory staged of chunk 1\)$/);
  });

  it('fails at once, as a consequence, when a peer closes its transport', async () => {
    const started = performance.now();
    const [rank0, rank1] = await run<string[]>(3, 'peerCloses');
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(rank0).toMatch(/^peer gone: allReduce:shared-memory on rank 0 failed: rank 2 closed its threads transport$/);
    expect(rank1).toMatch(/^peer gone: /);
  });

  it('is refused in one line where ranks do not share memory, and by config outside threads mode', async () => {
    const [comm] = createVirtualTransports(2).map((t) => new Communicator(t));
    await expect(comm.allReduce(new Float32Array(4), { algorithm: 'shared-memory' })).rejects.toThrow(
      /^allReduce algorithm shared-memory needs ranks that share memory \(the threads transport\); rank 0's transport has none$/,
    );
    expect(() => validateConfig({ data: { name: 'fashion-mnist-subset' }, model: { type: 'mlp' }, optimizer: { type: 'sgd', lr: 0.1 }, train: { steps: 1, batchSize: 8 }, distributed: { workers: 2, mode: 'procs', allreduce: 'shared-memory' } })).toThrow(/allreduce shared-memory needs ranks that share memory \(mode threads\), got mode procs/);
  });
});
