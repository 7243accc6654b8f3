/**
 * The SSP server's rule on scripted pushes (two workers over in-process transports, SGD at lr 1 so
 * every push subtracts its gradient): a worker more than s clocks ahead of the slowest waits for
 * its reply; with ASP nobody waits; staleness counts the others' updates since a worker's pull.
 */
import { describe, expect, it } from 'vitest';
import { Communicator, VirtualWorld } from '../../comm/index.js';
import { createOptimizer } from '../../optim/index.js';
import { DONE, PULL_HEADER, SEND_STATE, TAG } from './protocol.js';
import type { DelayCompensationOptions } from './delay-compensation.js';
import { ServerShard } from './server-shard.js';
import { serveSsp } from './server-ssp.js';

const P = 3;
const limits = { timeoutMs: 5_000 };

function world(staleness: number, delayThreshold?: number, delayCompensation?: DelayCompensationOptions) {
  const virtual = new VirtualWorld(3);
  const comms = [0, 1, 2].map((rank) => new Communicator(virtual.transport(rank), limits));
  const model = { params: new Float32Array(P), segments: [{ name: 'fc.weight', layer: 'fc', offset: 0, size: P, shape: [P] }] };
  const spec = { type: 'sgd' as const };
  const shard = new ServerShard(comms[2]!, [0, P], model, createOptimizer(spec, { length: P }), spec, limits);
  // As runPsServer does: every worker first pulls the server's parameters.
  const served = Promise.all([0, 1].map((w) => shard.sendParams(w, [0, 0, 0, 0]))).then(() =>
    serveSsp({ comm: comms[2]!, shard, workers: [0, 1], lr: () => 1, staleness, startClock: 0, ...(delayThreshold ? { delayThreshold } : {}), ...(delayCompensation ? { delayCompensation } : {}) }),
  );
  const events: string[] = [];
  const worker = (rank: number) => {
    const comm = comms[rank]!;
    const params = new Float32Array(P);
    const reply = new Float32Array(PULL_HEADER);
    const opts = (tag: number) => ({ tag, ...limits });
    const pull = () => Promise.all([comm.recv(2, params, opts(TAG.pullParams)), comm.recv(2, reply, opts(TAG.pullHeader))]);
    return {
      params,
      reply,
      pull,
      async push(step: number, value: number, flags = 0): Promise<void> {
        const pulled = pull();
        await Promise.all([comm.send(2, Float32Array.of(step + 0.5, 0, step, flags), opts(TAG.pushHeader)), comm.send(2, new Float32Array(P).fill(value), opts(TAG.pushGradient))]);
        await pulled;
        events.push(`${rank}:${step}`);
      },
      async done(): Promise<void> {
        await comm.send(2, Float32Array.of(0, 0, 0, DONE), opts(TAG.pushHeader));
      },
      async state(): Promise<Float32Array> {
        const step = new Float32Array(1);
        const shipped = new Float32Array(P);
        await comm.recv(2, step, opts(TAG.state));
        await comm.recv(2, shipped, opts(TAG.state));
        return shipped;
      },
    };
  };
  return { served, events, a: worker(0), b: worker(1) };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('SSP server', () => {
  it('holds a worker more than s = 1 clocks ahead until the slowest pushes', async () => {
    const { served, events, a, b } = world(1);
    await Promise.all([a.pull(), b.pull()]);
    await a.push(0, 1); // a at clock 1, b at 0: 1 ahead, allowed
    const held = a.push(1, 1); // a at clock 2: 2 ahead, held
    await tick();
    expect(events).toEqual(['0:0']);
    await b.push(0, 10); // b reaches 1: a is 1 ahead again
    await held;
    expect(events.slice(1).sort()).toEqual(['0:1', '1:0']); // released together by b's push
    expect(Array.from(a.params)).toEqual([-12, -12, -12]);
    // b pulled before either of a's updates, and both were applied before b's push (SSP holds a's reply, not its update).
    expect(b.reply[2]).toBe(2);
    await Promise.all([a.done(), b.done()]);
    expect(Array.from(await a.state())).toEqual([-12, -12, -12]);
    expect(await served).toBe(3);
  });

  it('under ASP (unbounded) never holds a worker', async () => {
    const { served, events, a, b } = world(Number.POSITIVE_INFINITY);
    await Promise.all([a.pull(), b.pull()]);
    for (let step = 0; step < 5; step++) await a.push(step, 1);
    expect(events).toEqual(['0:0', '0:1', '0:2', '0:3', '0:4']);
    await b.push(0, 1);
    expect(b.reply[2]).toBe(5); // five updates by a since b's pull
    await Promise.all([a.done(), b.done()]);
    await a.state();
    expect(await served).toBe(6);
  });

  it('with delay-adaptive steps, a push 5 updates stale takes lr x threshold / 5', async () => {
    const { served, a, b } = world(Number.POSITIVE_INFINITY, 2);
    await Promise.all([a.pull(), b.pull()]);
    for (let step = 0; step < 5; step++) await a.push(step, 1); // each at most 0 stale: full steps
    await b.push(0, 1);
    expect(b.reply[2]).toBe(5);
    expect(b.params[0]).toBeCloseTo(-5 - 2 / 5, 6);
    await Promise.all([a.done(), b.done()]);
    await a.state();
    await served;
  });

  it('with delay compensation, a stale push is corrected by lambda g² (w_now - w_pulled) on the mean gradient', async () => {
    const { served, a, b } = world(Number.POSITIVE_INFINITY, undefined, { lambda: 0.05, adaptive: false, meanSquareDecay: 0.95 });
    await Promise.all([a.pull(), b.pull()]);
    // a pulls after each of its pushes: nothing moved since, nothing to compensate.
    for (let step = 0; step < 5; step++) await a.push(step, 1);
    expect(a.params[0]).toBe(-5);
    // b pulled 0: mean gradient 2 x 1 (two workers), 2 + 0.05 x 4 x (-5 - 0) = 1, pushed back as 0.5.
    await b.push(0, 1);
    expect(Array.from(b.params)).toEqual([-5.5, -5.5, -5.5]);
    await Promise.all([a.done(), b.done()]);
    await a.state();
    await served;
  });

  it('ships the lead its state as of the push that asked, after the reply', async () => {
    const { served, a, b } = world(Number.POSITIVE_INFINITY);
    await Promise.all([a.pull(), b.pull()]);
    await a.push(0, 2, SEND_STATE);
    const snapshot = a.state();
    await b.push(0, 5); // applied after the snapshot was taken
    expect(Array.from(await snapshot)).toEqual([-2, -2, -2]);
    await Promise.all([a.done(), b.done()]);
    expect(Array.from(await a.state())).toEqual([-7, -7, -7]);
    await served;
  });
});
