/**
 * An encoding as one byte string, for transports that move bytes (all-gather of variable-size
 * encodings, a push to a server). Layout, little-endian int32 words, then the parts:
 *
 *   [partCount, (kind, length) x partCount, part 0 bytes (padded to 4), part 1 bytes, ...]
 *
 * kind: 0 float32, 1 int32, 2 uint8, 3 uint16 f16, 4 uint16 bf16. Unpacking checks everything a
 * garbled or hostile peer could get wrong and says what, in one line.
 */
import { LoomError } from '../util/errors.js';
import type { Encoding, WireArray, WirePart } from './compressor.js';

const KINDS = ['float32', 'int32', 'uint8', 'f16', 'bf16'] as const;
const MAX_PARTS = 64;

function kindOf(part: WirePart): number {
  const { data } = part;
  if (data instanceof Float32Array) return 0;
  if (data instanceof Int32Array) return 1;
  if (data instanceof Uint8Array) return 2;
  return part.half === 'bf16' ? 4 : 3;
}

const padded = (bytes: number): number => (bytes + 3) & ~3;

/**
 * More bytes than any packed encoding of `values` values can take: a sparse pair (index and
 * value) is 8 bytes a value, per-tensor metadata (scales, norms, counts) at most as much again,
 * and the header of the most parts. A receiver bounds a peer's announced length (and sizes its
 * buffer) by it.
 */
export function maxPackedBytes(values: number): number {
  return 16 * values + 4 * (1 + 2 * MAX_PARTS);
}

/** Bytes `pack` produces for this encoding (header and padding included). */
export function packedBytes(encoding: Encoding): number {
  let bytes = 4 * (1 + 2 * encoding.parts.length);
  for (const part of encoding.parts) bytes += padded(part.data.byteLength);
  return bytes;
}

export function packEncoding(encoding: Encoding): Uint8Array {
  const out = new Uint8Array(packedBytes(encoding));
  const header = new Int32Array(out.buffer, 0, 1 + 2 * encoding.parts.length);
  header[0] = encoding.parts.length;
  let offset = header.byteLength;
  encoding.parts.forEach((part, i) => {
    header[1 + 2 * i] = kindOf(part);
    header[2 + 2 * i] = part.data.length;
    out.set(new Uint8Array(part.data.buffer, part.data.byteOffset, part.data.byteLength), offset);
    offset += padded(part.data.byteLength);
  });
  return out;
}

/** The encoding in `bytes` (its arrays copy the bytes, so they are aligned whatever the input's offset). */
export function unpackEncoding(bytes: Uint8Array, from = 'a peer'): Encoding {
  const fail = (why: string): never => {
    throw new LoomError(`compressed encoding from ${from} is malformed: ${why}`);
  };
  const words = (at: number, count: number): Int32Array => {
    if (at + 4 * count > bytes.byteLength) fail(`${bytes.byteLength} bytes end inside the header`);
    return new Int32Array(bytes.slice(at, at + 4 * count).buffer);
  };
  const count = words(0, 1)[0];
  if (count < 0 || count > MAX_PARTS) fail(`part count ${count} is outside 0..${MAX_PARTS}`);
  const header = words(4, 2 * count);
  let offset = 4 * (1 + 2 * count);
  const parts: WirePart[] = [];
  for (let i = 0; i < count; i++) {
    const kind = header[2 * i];
    const length = header[2 * i + 1];
    if (kind < 0 || kind >= KINDS.length) fail(`part ${i} has unknown kind ${kind}`);
    const width = kind === 2 ? 1 : kind >= 3 ? 2 : 4;
    if (length < 0 || offset + length * width > bytes.byteLength) fail(`part ${i} (${length} x ${KINDS[kind]}) runs past the ${bytes.byteLength} bytes`);
    const raw = bytes.slice(offset, offset + length * width).buffer;
    const data: WireArray = kind === 0 ? new Float32Array(raw) : kind === 1 ? new Int32Array(raw) : kind === 2 ? new Uint8Array(raw) : new Uint16Array(raw);
    parts.push(kind === 3 ? { data, half: 'f16' } : kind === 4 ? { data, half: 'bf16' } : { data });
    offset += padded(length * width);
  }
  if (offset !== bytes.byteLength) fail(`${bytes.byteLength - offset} bytes follow the last part`);
  return { parts };
}
