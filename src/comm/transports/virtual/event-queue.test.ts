/**
 * The virtual world's discrete-event clock: events run in (time, rank) order whatever order the
 * ranks asked in, each with its rank's clock at its time; a message's arrival orders with the
 * other events; an event in the past is refused.
 */
import { describe, expect, it } from 'vitest';
import { alphaBetaCost } from './clock.js';
import { VirtualWorld } from './virtual-transport.js';

describe('EventQueue (virtual world)', () => {
  it('runs events in simulated-time order, ties by rank, with the clock at each event', async () => {
    const world = new VirtualWorld(3, { cost: alphaBetaCost(0.001, 0) });
    const seen: string[] = [];
    const rank = async (r: number, times: number[]): Promise<void> => {
      const transport = world.transport(r);
      for (const t of times) {
        await transport.waitUntil!(t);
        seen.push(`${r}@${t}:${transport.now!()}`);
      }
    };
    await Promise.all([rank(2, [0.5, 3]), rank(0, [1, 2, 2.5]), rank(1, [0.5, 2])]);
    expect(seen).toEqual(['1@0.5:0.5', '2@0.5:0.5', '0@1:1', '0@2:2', '1@2:2', '0@2.5:2.5', '2@3:3']);
  });

  it("orders a message's handling at its arrival among the other ranks' events", async () => {
    const world = new VirtualWorld(3, { cost: alphaBetaCost(1, 0) });
    const [sender, receiver, other] = [0, 1, 2].map((r) => world.transport(r));
    const seen: string[] = [];
    const send = async (): Promise<void> => {
      await sender!.waitUntil!(2);
      seen.push('sent at 2');
      await sender!.send(1, 7, new Float32Array([42]));
    };
    const receive = async (): Promise<void> => {
      const into = new Float32Array(1);
      let arrival = -1;
      await receiver!.recv(0, 7, into, { deferClock: (t) => (arrival = t) });
      expect(receiver!.now!()).toBe(0); // deferred: the clock moves only with the event
      await receiver!.waitUntil!(arrival);
      seen.push(`handled ${into[0]} at ${receiver!.now!()}`);
    };
    const tick = async (): Promise<void> => {
      for (const t of [1, 2.5, 3.5]) {
        await other!.waitUntil!(t);
        seen.push(`tick ${t}`);
      }
    };
    await Promise.all([send(), receive(), tick()]);
    expect(seen).toEqual(['tick 1', 'sent at 2', 'tick 2.5', 'handled 42 at 3', 'tick 3.5']);
  });

  it('refuses an event before the present', async () => {
    const world = new VirtualWorld(2, { cost: alphaBetaCost(0, 0) });
    await world.transport(0).waitUntil!(5);
    expect(() => world.transport(1).waitUntil!(4)).toThrow('rank 1 asked for an event at simulated time 4 s, before the present 5 s');
  });
});
