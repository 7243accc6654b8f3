import { describe, expect, it } from 'vitest';
import { Inbox } from './inbox.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('Inbox (message matching)', () => {
  it('hands an early message to the receive posted later, and counts its bytes meanwhile', async () => {
    const inbox = new Inbox('rank 1');
    const sink = inbox.begin(4, 3);
    sink.write(bytes(1, 2), false);
    sink.write(bytes(3), true);
    sink.end();
    expect(inbox.unexpectedBytes).toBe(3);
    const into = new Uint8Array(3);
    await expect(inbox.post(4, into, false)).resolves.toBe(3);
    expect(Array.from(into)).toEqual([1, 2, 3]);
    expect(inbox.unexpectedBytes).toBe(0);
    await sink.consumed;
  });

  it('delivers a message that is still arriving when its receive is posted', async () => {
    const inbox = new Inbox('rank 1');
    const sink = inbox.begin(4, 2);
    sink.write(bytes(9), false);
    const into = new Uint8Array(2);
    const done = inbox.post(4, into, false);
    expect(inbox.hasWaiting()).toBe(true);
    sink.write(bytes(8), false);
    sink.end();
    await expect(done).resolves.toBe(2);
    expect(Array.from(into)).toEqual([9, 8]);
  });

  it('asks for data when a receive has nothing to match, and matches by tag in posting order', async () => {
    const inbox = new Inbox('rank 1');
    let demands = 0;
    inbox.onDemand = () => demands++;
    const first = new Uint8Array(1);
    const second = new Uint8Array(1);
    const a = inbox.post(7, first, false);
    const b = inbox.post(7, second, false);
    expect(demands).toBe(2);
    for (const value of [5, 6]) {
      const sink = inbox.begin(7, 1);
      expect(sink.matched).toBe(true);
      sink.write(bytes(value), false);
      sink.end();
    }
    await Promise.all([a, b]);
    expect([first[0], second[0]]).toEqual([5, 6]);
    expect(inbox.hasWaiting()).toBe(false);
  });

  it('an unexpected message that its sender retracts is dropped', async () => {
    const inbox = new Inbox('rank 1');
    const sink = inbox.begin(1, 4);
    sink.write(bytes(1, 2, 3, 4), true);
    sink.end();
    sink.retract();
    await sink.consumed;
    expect(inbox.unexpectedBytes).toBe(0);
    const controller = new AbortController();
    const waiting = inbox.post(1, new Uint8Array(4), false, controller.signal);
    controller.abort(new Error('nothing came'));
    await expect(waiting).rejects.toThrow('nothing came');
  });

  it('failAll rejects waiting and later receives', async () => {
    const inbox = new Inbox('rank 1');
    const waiting = inbox.post(1, new Uint8Array(1), false);
    inbox.failAll(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    await expect(inbox.post(2, new Uint8Array(1), false)).rejects.toThrow('gone');
  });

  it('refuses to accumulate into a byte buffer or an odd byte count', async () => {
    const inbox = new Inbox('rank 1');
    await expect(inbox.post(1, new Uint8Array(4), true)).rejects.toThrow(/needs a Float32Array/);
    const waiting = inbox.post(1, new Float32Array(2), true);
    inbox.begin(1, 6).end();
    await expect(waiting).rejects.toThrow(/6 bytes, not a whole number of float32 values/);
  });
});
