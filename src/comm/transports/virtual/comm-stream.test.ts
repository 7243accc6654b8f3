import { describe, expect, it } from 'vitest';
import { SubTransport } from '../sub-transport.js';
import { alphaBetaCost } from './clock.js';
import { createVirtualTransports } from './virtual-transport.js';

// 1 ms latency, 1 ms per KiB.
const cost = alphaBetaCost(1e-3, 1e-3 / 1024);
const kib = (n: number) => new Uint8Array(n * 1024);

describe("a virtual rank's communication stream", () => {
  it('exists only on a simulated clock', () => {
    expect(createVirtualTransports(2)[0]!.commStream).toBeUndefined();
    expect(createVirtualTransports(2, { cost })[0]!.commStream).toBeTypeOf('function');
  });

  it('sends at its own time and moves only its own clock', async () => {
    const [a, b] = createVirtualTransports(2, { cost });
    const [sa, sb] = [new SubTransport(a!.commStream!(), [0, 1], 5), new SubTransport(b!.commStream!(), [0, 1], 5)];
    a!.advanceClock!(10); // rank 0 computes until 10 s; its communication thread is still at 0
    await Promise.all([sa.send(1, 1, kib(1)), sb.recv(0, 1, kib(1))]);
    expect(sb.now!()).toBeCloseTo(2e-3, 12); // sent at 0: 1 ms on the wire + 1 ms latency
    expect(b!.now!()).toBe(0); // rank 1's own clock did not move
    expect(a!.now!()).toBe(10);
    expect(sa.now!()).toBe(0);
  });

  it("shares the rank's links: its message queues behind the rank's own", async () => {
    const [a, b] = createVirtualTransports(2, { cost });
    const sa = new SubTransport(a!.commStream!(), [0, 1], 5);
    const sb = new SubTransport(b!.commStream!(), [0, 1], 5);
    // Both leave at 0 on the link 0 -> 1: 4 KiB of the rank's, then 1 KiB of its thread's.
    await Promise.all([a!.send(1, 1, kib(4)), b!.recv(0, 1, kib(4)), sa.send(1, 1, kib(1)), sb.recv(0, 1, kib(1))]);
    expect(b!.now!()).toBeCloseTo(5e-3, 12);
    expect(sb.now!()).toBeCloseTo(6e-3, 12);
  });

  it('closing the stream leaves the rank connected', async () => {
    const [a, b] = createVirtualTransports(2, { cost });
    await a!.commStream!().close();
    await Promise.all([a!.send(1, 2, kib(1)), b!.recv(0, 2, kib(1))]);
    expect(b!.now!()).toBeCloseTo(2e-3, 12);
  });
});
