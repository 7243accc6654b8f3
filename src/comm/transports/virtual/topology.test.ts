import { describe, expect, it } from 'vitest';
import { Communicator } from '../../communicator.js';
import { VirtualWorld } from './virtual-transport.js';
import { hierarchicalCost } from './topology.js';

describe('hierarchicalCost', () => {
  it('charges the intra-node link inside a node and the inter-node link across nodes', () => {
    const cost = hierarchicalCost(4, { alpha: 1e-6, beta: 1e-10 }, { alpha: 1e-5, beta: 1e-9 });
    expect(cost(0, 3, 1000)).toBeCloseTo(1e-6 + 1e-7, 15);
    expect(cost(3, 4, 1000)).toBeCloseTo(1e-5 + 1e-6, 15);
    expect(cost(5, 7, 0)).toBe(1e-6);
    expect(() => hierarchicalCost(0, { alpha: 0, beta: 0 }, { alpha: 0, beta: 0 })).toThrow(/ranksPerNode must be a positive integer, got 0/);
  });

  it('a ring over two nodes runs at the pace of its inter-node links: 2(p-1) (n/p) beta of that link, plus one latency', async () => {
    const p = 8;
    const inter = { alpha: 2e-5, beta: 8 / 1e9 };
    const world = new VirtualWorld(p, { cost: hierarchicalCost(4, { alpha: 1e-6, beta: 8 / 1e11 }, inter) });
    const comms = Array.from({ length: p }, (_, r) => new Communicator(world.transport(r)));
    const n = 1 << 20; // bytes
    await Promise.all(comms.map((c) => c.allReduce(new Float32Array(n / 4), { algorithm: 'ring' })));
    const slowest = Math.max(...comms.map((_, r) => world.transport(r).now!()));
    // The ranks before each slow hop are always ready early (their own inputs come over fast
    // links), so the slow link transmits its 2(p-1) segments back to back and its latency is paid
    // once: the ring is bandwidth-bound on it, not the lockstep 2(p-1)(alpha + n/p beta).
    const predicted = 2 * (p - 1) * (n / p) * inter.beta + inter.alpha;
    expect(Math.abs(slowest - predicted) / predicted).toBeLessThan(0.005);
  });
});
