/** Sub-communicators: collectives within subsets run beside the parent's without mixing messages. */
import { describe, expect, it } from 'vitest';
import { Communicator } from '../communicator.js';
import { VirtualWorld } from './virtual/virtual-transport.js';
import { SubTransport } from './sub-transport.js';

describe('sub-communicators', () => {
  it('all-reduce within {0, 2} and {1, 3} while the parent all-reduces over all four', async () => {
    const world = new VirtualWorld(4);
    const results = await Promise.all(
      [0, 1, 2, 3].map(async (rank) => {
        const comm = new Communicator(world.transport(rank), { timeoutMs: 5_000 });
        const pair = rank % 2 === 0 ? [0, 2] : [1, 3];
        const sub = comm.subset(pair, 1 + (rank % 2));
        const mine = Float32Array.of(rank + 1, 10 * (rank + 1));
        const all = Float32Array.of(rank + 1);
        const point = new Float32Array(1);
        await Promise.all([
          sub.allReduce(mine),
          comm.allReduce(all),
          // a user-tagged exchange inside the subset, same tag as the parent's could use
          sub.send(1 - sub.rank, Float32Array.of(rank), { tag: 7 }),
          sub.recv(1 - sub.rank, point, { tag: 7 }),
        ]);
        return { sub: Array.from(mine), all: all[0], from: point[0], subRank: sub.rank, subSize: sub.size };
      }),
    );
    expect(results.map((r) => r.sub)).toEqual([
      [4, 40],
      [6, 60],
      [4, 40],
      [6, 60],
    ]);
    expect(results.map((r) => r.all)).toEqual([10, 10, 10, 10]);
    expect(results.map((r) => r.from)).toEqual([2, 3, 0, 1]);
    expect(results.map((r) => [r.subRank, r.subSize])).toEqual([
      [0, 2],
      [0, 2],
      [1, 2],
      [1, 2],
    ]);
  });

  it('refuses a rank outside the subset, repeated ranks and a bad context', () => {
    const world = new VirtualWorld(3);
    expect(() => new SubTransport(world.transport(0), [1, 2], 1)).toThrow('rank 0 is not in the sub-communicator of ranks [1,2]');
    expect(() => new SubTransport(world.transport(0), [0, 0], 1)).toThrow('sub-communicator ranks must be distinct ranks of the 3-rank job, got [0,0]');
    expect(() => new SubTransport(world.transport(0), [0, 1], 0)).toThrow('sub-communicator context must be an integer in 1..127, got 0');
  });
});
