import { describe, expect, it } from 'vitest';
import { LoomError } from '../util/errors.js';
import { Communicator } from './communicator.js';
import { predictAllReduceSeconds } from './cost-model.js';
import type { MessageAllReduceAlgorithm } from './options.js';
import { alphaBetaCost } from './transports/virtual/clock.js';
import { createVirtualTransports, VirtualWorld } from './transports/virtual/virtual-transport.js';

const world = (size: number, options?: ConstructorParameters<typeof VirtualWorld>[1]): Communicator[] =>
  createVirtualTransports(size, options).map((t) => new Communicator(t, { timeoutMs: 5_000 }));

const onAll = <T>(comms: Communicator[], fn: (c: Communicator) => Promise<T>): Promise<T[]> => Promise.all(comms.map(fn));

describe('Communicator', () => {
  it('counts bytes, messages and calls per operation, and resets', async () => {
    const comms = world(4);
    await onAll(comms, (c) => c.allReduce(new Float32Array(1000), { algorithm: 'ring' }));
    const stats = comms[1].stats.snapshot();
    // 2(n-1) messages of 1000/4 floats each way.
    expect(stats).toMatchObject({ calls: 1, bytesSent: 6000, bytesReceived: 6000, messagesSent: 6, messagesReceived: 6 });
    expect(stats.byOp['allReduce:ring']).toMatchObject({ calls: 1, bytesSent: 6000 });
    await onAll(comms, (c) => c.broadcast(new Float32Array(10), 0));
    expect(comms[0].stats.snapshot().byOp.broadcast).toMatchObject({ calls: 1, bytesSent: 80, bytesReceived: 0 });
    comms[1].stats.reset();
    expect(comms[1].stats.snapshot()).toEqual({ calls: 0, seconds: 0, bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0, byOp: {} });
  });

  describe('on a virtual clock with an alpha-beta cost per message', () => {
    const alpha = 1e-5;
    const beta = 1e-9;
    const cases: [MessageAllReduceAlgorithm, number][] = [
      ['ring', 4],
      ['ring', 5],
      ['halving-doubling', 8],
      ['tree', 4],
    ];
    for (const [algorithm, size] of cases) {
      it(`charges ${algorithm} on ${size} ranks exactly its model time`, async () => {
        const comms = world(size, { cost: alphaBetaCost(alpha, beta) });
        const count = 40 * 1024;
        await onAll(comms, (c) => c.allReduce(new Float32Array(count), { algorithm }));
        const predicted = predictAllReduceSeconds(algorithm, size, count * 4, { alpha, beta, source: 'given' });
        const slowest = Math.max(...comms.map((c) => c.stats.snapshot().seconds));
        expect(slowest).toBeCloseTo(predicted, 12);
      });
    }

    it('calibration measures alpha and beta back, and auto follows them', async () => {
      const transports = createVirtualTransports(8, { cost: alphaBetaCost(alpha, beta) });
      const comms = await Promise.all(transports.map((t) => Communicator.create(t)));
      for (const c of comms) {
        expect(c.costModel.source).toBe('measured');
        expect(c.costModel.alpha).toBeCloseTo(alpha + 8 * beta, 9);
        expect(c.costModel.beta / beta).toBeCloseTo(1, 5);
      }
      expect(comms[3].chooseAllReduceAlgorithm(64)).toBe('halving-doubling');
      await onAll(comms, (c) => c.allReduce(new Float32Array(16)));
      expect(Object.keys(comms[3].stats.snapshot().byOp)).toEqual(['calibrate', 'allReduce:halving-doubling']);
    });
  });

  it('gives the same cost model to every rank and leaves it alone when one is given', async () => {
    const transports = createVirtualTransports(3);
    const comms = await Promise.all(transports.map((t) => Communicator.create(t, { costModel: { alpha: 1, beta: 2 } })));
    expect(comms.map((c) => c.costModel)).toEqual(new Array(3).fill({ alpha: 1, beta: 2, source: 'given' }));
    const measured = await Promise.all(createVirtualTransports(3).map((t) => Communicator.create(t)));
    expect(new Set(measured.map((c) => JSON.stringify(c.costModel))).size).toBe(1);
  });

  it('rejects bad arguments with a LoomError naming the value, before any communication', async () => {
    const [c] = world(3);
    await expect(c.broadcast(new Float32Array(1), 3)).rejects.toThrow(/broadcast root must be a rank in 0\.\.2, got 3/);
    await expect(c.allReduce(new Float32Array(1), { op: 'avg' as 'sum' })).rejects.toThrow(/allReduce on rank 0: op must be one of 'sum', 'mean', 'max', 'min', 'prod' or a function \(into, from\) => void, got "avg"/);
    await expect(c.allReduce(new Float32Array(1), { algorithm: 'bcube' as 'ring' })).rejects.toThrow(/got "bcube"/);
    await expect(c.allGather(new Float32Array(3), new Float32Array(10))).rejects.toThrow(/allGather on rank 0: part has 3 elements, but segment 0 of 10 over 3 ranks has 4/);
    await expect(c.reduceScatter(new Float32Array(10), new Float32Array(3))).rejects.toThrow(/reduceScatter on rank 0: out has 3 elements/);
    await expect(c.send(1, new Float32Array(1), { tag: 2 ** 30 })).rejects.toThrow(LoomError);
    expect(c.stats.snapshot().calls).toBe(0);
  });

  it('says so when ranks pass buffers of different lengths', async () => {
    const comms = world(2);
    const results = await Promise.allSettled(comms.map((c, rank) => c.allReduce(new Float32Array(rank === 0 ? 10 : 12), { algorithm: 'tree', timeoutMs: 500 })));
    const messages = results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'));
    expect(messages[0]).toMatch(/allReduce:tree on rank 0 failed: .*rank 1 sent 48 bytes where 40 were expected|more than the 40-byte receive buffer/);
  });

  it('a failed send/recv leaves the communicator usable; an aborted signal rejects at once', async () => {
    const comms = world(2);
    await expect(comms[0].recv(1, new Float32Array(1), { timeoutMs: 30 })).rejects.toThrow(/recv on rank 0 timed out after 30 ms waiting for rank 1 \(recv of 4 bytes\)/);
    await onAll(comms, (c) => c.allReduce(Float32Array.of(c.rank + 1)));
    await expect(comms[0].barrier({ signal: AbortSignal.abort('not now') })).rejects.toThrow(/barrier on rank 0 was cancelled: not now/);
  });

  it('point-to-point counts elements and accepts Uint8Array', async () => {
    const [a, b] = world(2);
    const into = new Uint8Array(10);
    const [, count] = await Promise.all([a.send(1, Uint8Array.of(1, 2, 3), { tag: 4 }), b.recv(0, into, { tag: 4 })]);
    expect(count).toBe(3);
    expect(b.stats.snapshot().byOp.recv).toMatchObject({ bytesReceived: 3, messagesReceived: 1 });
  });

  it('allReduce accepts just the op, as in the design sketch', async () => {
    const comms = world(3);
    const bufs = comms.map((c) => Float32Array.of(c.rank * 3));
    await Promise.all(comms.map((c, i) => c.allReduce(bufs[i], 'mean')));
    expect(bufs.map((b) => b[0])).toEqual([3, 3, 3]);
  });
});

describe('VirtualWorld', () => {
  it('buffers small early messages but makes large ones wait for their receive (rendezvous)', async () => {
    const vw = new VirtualWorld(2, { eagerBytes: 64 });
    const [a, b] = [vw.transport(0), vw.transport(1)];
    await a.send(1, 0, new Float32Array(16)); // 64 bytes: resolves at once
    let sent = false;
    const big = a.send(1, 0, new Float32Array(17)).then(() => (sent = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sent).toBe(false);
    await b.recv(0, 0, new Float32Array(16));
    const into = new Float32Array(17);
    await b.recv(0, 0, into);
    await big;
    expect(sent).toBe(true);
  });

  it('keeps a simulated clock per rank that compute can be charged to', async () => {
    const vw = new VirtualWorld(2, { cost: alphaBetaCost(1, 0.5) });
    vw.clock?.advance(0, 10);
    await Promise.all([vw.transport(0).send(1, 0, new Uint8Array(4)), vw.transport(1).recv(0, 0, new Uint8Array(4))]);
    expect(vw.transport(1).now?.()).toBe(13); // sent at 10, 1 + 4 * 0.5 on the wire
    expect(vw.transport(0).now?.()).toBe(10);
  });

  it('queues messages sent at once on one link: bandwidth is shared, latency overlaps', async () => {
    const vw = new VirtualWorld(2, { cost: alphaBetaCost(1, 0.5) });
    const a = vw.transport(0);
    const b = vw.transport(1);
    await Promise.all([a.send(1, 0, new Uint8Array(4)), a.send(1, 1, new Uint8Array(4)), b.recv(0, 0, new Uint8Array(4)), b.recv(0, 1, new Uint8Array(4))]);
    // Both leave at 0; the second waits for the first's 2 s of transmission: arrives at 2 + 2 + 1.
    expect(b.now?.()).toBe(5);
  });
});
