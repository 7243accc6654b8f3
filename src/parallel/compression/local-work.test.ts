import { describe, expect, it } from 'vitest';
import type { Communicator } from '../../comm/index.js';
import { LocalWork } from './local-work.js';

/** A communicator whose transport has a simulated clock, or none. */
function commWithClock(simulated: boolean): { comm: Communicator; clock: () => number } {
  let clock = 100;
  const transport = simulated ? { now: () => clock, advanceClock: (seconds: number) => (clock = Math.max(clock, seconds)) } : {};
  return { comm: { transport } as unknown as Communicator, clock: () => clock };
}

function busy(ms: number): number {
  const end = performance.now() + ms;
  let spins = 0;
  while (performance.now() < end) spins++;
  return spins;
}

describe('LocalWork', () => {
  it('moves a simulated clock by the wall time of the work, and counts it', () => {
    const { comm, clock } = commWithClock(true);
    const work = new LocalWork(comm);
    expect(work.run(() => busy(20))).toBeGreaterThan(0);
    expect(clock() - 100).toBeGreaterThanOrEqual(0.02);
    expect(clock() - 100).toBeLessThan(1);
    expect(work.seconds).toBeCloseTo(clock() - 100, 9);
  });

  it('charges only the work it runs', () => {
    const { comm, clock } = commWithClock(true);
    const work = new LocalWork(comm);
    busy(200); // outside run: not charged
    work.run(() => busy(5));
    expect(clock() - 100).toBeGreaterThanOrEqual(0.005);
    expect(clock() - 100).toBeLessThan(0.15);
  });

  it('on a real clock only counts', () => {
    const { comm, clock } = commWithClock(false);
    const work = new LocalWork(comm);
    work.run(() => busy(5));
    expect(work.seconds).toBeGreaterThanOrEqual(0.005);
    expect(clock()).toBe(100);
  });
});
