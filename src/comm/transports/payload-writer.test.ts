import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { PayloadWriter } from './payload-writer.js';

/** The bytes of `values` cut at random points, each piece copied to an unaligned offset of its own buffer. */
function ragged(values: Float32Array, rng: Rng): Uint8Array[] {
  const bytes = new Uint8Array(values.buffer);
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = Math.min(bytes.length - at, 1 + rng.int(23));
    const offset = rng.int(4);
    const holder = new Uint8Array(n + offset);
    holder.set(bytes.subarray(at, at + n), offset);
    pieces.push(holder.subarray(offset));
    at += n;
  }
  return pieces;
}

describe('PayloadWriter', () => {
  it('accumulates floats split at any byte and unaligned in memory', () => {
    const rng = new Rng(3);
    const incoming = Float32Array.from({ length: 997 }, (_, i) => i - 400);
    const into = Float32Array.from({ length: 1000 }, (_, i) => i % 7);
    const writer = new PayloadWriter(into, true);
    for (const piece of ragged(incoming, rng)) writer.write(piece);
    expect(writer.written).toBe(997 * 4);
    for (let i = 0; i < 997; i++) expect(into[i]).toBe(i - 400 + (i % 7));
    expect(into[999]).toBe(999 % 7);
  });

  it('copies bytes into float and byte buffers', () => {
    const into = new Float32Array(4);
    const writer = new PayloadWriter(into, false);
    const bytes = new Uint8Array(Float32Array.of(1.5, -2, 3, 4).buffer);
    writer.write(bytes.subarray(0, 5));
    writer.write(bytes.subarray(5));
    expect(Array.from(into)).toEqual([1.5, -2, 3, 4]);
  });
});
