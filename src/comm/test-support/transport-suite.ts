/**
 * The point-to-point contract of the Transport seam (transport.ts), run over every
 * implementation: tag matching, ordering, accumulate, odd byte lengths, empty messages,
 * messages larger than any internal buffer, receive-buffer overflow, aborts.
 */
import { afterEach, expect, it } from 'vitest';
import { LoomError } from '../../util/errors.js';
import type { Transport } from '../transport.js';

export type WorldFactory = (size: number) => Promise<Transport[]>;

function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed * 7) & 0xff;
  return out;
}

/** Byte equality without vitest's element-by-element diffing (slow on megabytes). */
function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  expect(Buffer.compare(actual, expected)).toBe(0);
}

export function defineTransportSuite(createWorld: WorldFactory): void {
  let open: Transport[] = [];
  const world = async (size: number): Promise<Transport[]> => (open = await createWorld(size));
  afterEach(async () => {
    await Promise.all(open.map((t) => t.close()));
    open = [];
  });

  it('reports rank and size', async () => {
    const ts = await world(3);
    expect(ts.map((t) => [t.rank, t.size])).toEqual([[0, 3], [1, 3], [2, 3]]);
  });

  it('delivers byte messages of odd lengths, empty ones and ones larger than internal buffers, in order', async () => {
    const [a, b] = await world(2);
    const lengths = [0, 1, 3, 17, 4095, 4097, 65_537, 3_000_001];
    const sends = Promise.all(lengths.map((n, i) => a.send(1, 42, pattern(n, i))));
    for (const [i, n] of lengths.entries()) {
      const into = new Uint8Array(n + 5);
      expect(await b.recv(0, 42, into)).toBe(n);
      expectBytes(into.subarray(0, n), pattern(n, i));
    }
    await sends;
  });

  it('matches by tag, not by arrival order', async () => {
    const [a, b] = await world(2);
    const sends = Promise.all([a.send(1, 1, pattern(10, 1)), a.send(1, 2, pattern(20, 2)), a.send(1, 1, pattern(30, 3))]);
    const two = new Uint8Array(20);
    const first = new Uint8Array(30);
    const second = new Uint8Array(30);
    expect(await b.recv(0, 2, two)).toBe(20);
    expect(await b.recv(0, 1, first)).toBe(10);
    expect(await b.recv(0, 1, second)).toBe(30);
    expectBytes(two, pattern(20, 2));
    expectBytes(first.subarray(0, 10), pattern(10, 1));
    expectBytes(second, pattern(30, 3));
    await sends;
  });

  it('accumulates float32 messages into the receive buffer', async () => {
    const [a, b] = await world(2);
    const n = 1_000_003;
    const data = Float32Array.from({ length: n }, (_, i) => (i % 13) - 6);
    const into = Float32Array.from({ length: n }, (_, i) => i % 5);
    await Promise.all([a.send(1, 7, data), b.recv(0, 7, into, { accumulate: true })]);
    for (let i = 0; i < n; i += 9973) expect(into[i]).toBe((i % 13) - 6 + (i % 5));
    expect(into[n - 1]).toBe(((n - 1) % 13) - 6 + ((n - 1) % 5));
  });

  it('accumulates a message that arrived before its receive was posted', async () => {
    const [a, b] = await world(2);
    await a.send(1, 3, Float32Array.of(1, 2, 3)); // small: buffered by every transport
    await new Promise((resolve) => setTimeout(resolve, 20));
    const into = Float32Array.of(10, 20, 30);
    await b.recv(0, 3, into, { accumulate: true });
    expect(Array.from(into)).toEqual([11, 22, 33]);
  });

  it('exchanges large messages in both directions at once (no deadlock)', async () => {
    const [a, b] = await world(2);
    const n = 2_000_000;
    const x = new Float32Array(n).fill(1);
    const y = new Float32Array(n).fill(2);
    const gotX = new Float32Array(n);
    const gotY = new Float32Array(n);
    await Promise.all([a.send(1, 0, x), b.send(0, 0, y), a.recv(1, 0, gotY), b.recv(0, 0, gotX)]);
    expect(gotX[n - 1]).toBe(1);
    expect(gotY[n - 1]).toBe(2);
  });

  it('rejects a message longer than the receive buffer, with both sizes', async () => {
    const [a, b] = await world(2);
    const sent = a.send(1, 5, new Uint8Array(100));
    await expect(b.recv(0, 5, new Uint8Array(64))).rejects.toThrow(/has 100 bytes, more than the 64-byte receive buffer/);
    await sent;
  });

  it('rejects bad peers and tags with a LoomError', async () => {
    const [a] = await world(2);
    await expect(a.send(5, 0, new Uint8Array(1))).rejects.toThrow(LoomError);
    await expect(a.send(0, 0, new Uint8Array(1))).rejects.toThrow(/cannot send to itself/);
    await expect(a.recv(1, -1, new Uint8Array(1))).rejects.toThrow(/unsigned 32-bit/);
  });

  it('an aborted receive rejects with the reason and the next receive on that tag still works', async () => {
    const [a, b] = await world(2);
    const controller = new AbortController();
    const waiting = b.recv(0, 9, new Uint8Array(4), { signal: controller.signal });
    controller.abort(new LoomError('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    const into = new Uint8Array(4);
    await Promise.all([a.send(1, 9, pattern(4, 1)), b.recv(0, 9, into)]);
    expectBytes(into, pattern(4, 1));
  });

  it('a message sent just before the sender closes is still delivered', async () => {
    const [a, b] = await world(2);
    await a.send(1, 1, pattern(8, 1));
    await a.close();
    const into = new Uint8Array(8);
    await b.recv(0, 1, into);
    expectBytes(into, pattern(8, 1));
  });

  it('receives from a peer that closed reject instead of hanging', async () => {
    const [a, b] = await world(2);
    const rejected = expect(b.recv(0, 1, new Uint8Array(4))).rejects.toThrow(/closed/);
    await a.close();
    await rejected;
    await expect(b.recv(0, 2, new Uint8Array(4))).rejects.toThrow(/closed/);
  });
}
