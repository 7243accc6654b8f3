/** Control frames: round trip, headers split across chunks, and each malformation named. */
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CONTROL_HEADER_BYTES, encodeControlFrame, type ControlFrame } from './frame.js';
import { parseCoordinatorMessage, parseWorkerMessage } from './messages.js';
import { ControlFrameReader } from './reader.js';

function collect(limit = 1 << 20): { reader: ControlFrameReader; frames: ControlFrame[]; errors: string[] } {
  const frames: ControlFrame[] = [];
  const errors: string[] = [];
  const reader = new ControlFrameReader(limit, { frame: (f) => frames.push(f), error: (e) => errors.push(e) }, ' before authentication');
  return { reader, frames, errors };
}

const bytes = (parts: Buffer[]): Buffer => Buffer.concat(parts);

/** A frame with its header fields rewritten, the header CRC fixed up unless `keepCrc`. */
function patched(frame: Buffer, patch: (header: Buffer) => void, keepCrc = false): Buffer {
  const copy = Buffer.from(frame);
  patch(copy);
  if (!keepCrc) copy.writeUInt32LE(crc32(copy.subarray(0, 20)), 20);
  return copy;
}

describe('control frames', () => {
  it('round-trip JSON and attachments, fed whole or one byte at a time', () => {
    const attachment = new Uint8Array(1000).map((_, i) => i % 251);
    const stream = bytes([
      ...encodeControlFrame({ type: 'heartbeat' }),
      ...encodeControlFrame({ type: 'checkpoint', generation: 1, id: 7, step: 12 }, attachment),
      ...encodeControlFrame({ type: 'report', generation: 0, record: { loss: 0.5, text: 'ünïcødé' } }),
    ]);
    for (const chunk of [stream.length, 1, 5, CONTROL_HEADER_BYTES + 3]) {
      const { reader, frames, errors } = collect();
      for (let i = 0; i < stream.length; i += chunk) reader.push(stream.subarray(i, i + chunk));
      expect(errors).toEqual([]);
      expect(reader.atBoundary).toBe(true);
      expect(frames.map((f) => f.body)).toEqual([
        { type: 'heartbeat' },
        { type: 'checkpoint', generation: 1, id: 7, step: 12 },
        { type: 'report', generation: 0, record: { loss: 0.5, text: 'ünïcødé' } },
      ]);
      expect(frames[0].attachment).toBeNull();
      expect(Array.from(frames[1].attachment ?? [])).toEqual(Array.from(attachment));
    }
  });

  it('reports partial progress of a truncated frame', () => {
    const { reader, frames } = collect();
    const frame = bytes(encodeControlFrame({ type: 'heartbeat' }));
    reader.push(frame.subarray(0, 10));
    expect(reader.atBoundary).toBe(false);
    expect(reader.describePartial()).toBe(`10 of ${CONTROL_HEADER_BYTES} header bytes`);
    reader.push(frame.subarray(10, CONTROL_HEADER_BYTES + 4));
    expect(reader.describePartial()).toBe(`4 of ${frame.length - CONTROL_HEADER_BYTES} payload bytes`);
    expect(frames).toEqual([]);
  });

  const good = bytes(encodeControlFrame({ type: 'heartbeat' }));
  const cases: [string, Buffer, RegExp, number?][] = [
    ['bad magic', Buffer.from('GET / HTTP/1.1\r\n\r\n'), /^bad magic 0x20544547 \(not a Loom control frame\)$/],
    ['bad header checksum', patched(good, (h) => h.writeUInt8(0xff, 21), true), /^bad header checksum$/],
    ['unknown version', patched(good, (h) => h.writeUInt8(9, 4)), /^unsupported control frame version 9$/],
    ['reserved bytes', patched(good, (h) => h.writeUInt8(1, 6)), /^nonzero reserved header bytes$/],
    ['empty body', patched(good, (h) => h.writeUInt32LE(0, 8)), /^JSON body of 0 bytes is too short$/],
    ['oversized', patched(good, (h) => h.writeUInt32LE(100_000, 12)), /^frame of 100020 bytes exceeds the 4096-byte limit before authentication$/, 4096],
    ['payload checksum', patched(good, (h) => h.writeUInt8(h[CONTROL_HEADER_BYTES + 2] ^ 1, CONTROL_HEADER_BYTES + 2)), /^payload checksum mismatch on a 20-byte frame$/],
  ];
  it.each(cases)('refuses %s', (_name, stream, reason, limit) => {
    const { reader, frames, errors } = collect(limit);
    reader.push(stream);
    reader.push(good); // nothing is reported after the first problem
    expect(frames).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(reason);
  });

  it('refuses a body that is not JSON', () => {
    const text = Buffer.from('{not json');
    const header = Buffer.alloc(CONTROL_HEADER_BYTES);
    header.writeUInt32LE(0x4c4d4350, 0);
    header.writeUInt8(1, 4);
    header.writeUInt32LE(text.length, 8);
    header.writeUInt32LE(crc32(text), 16);
    header.writeUInt32LE(crc32(header.subarray(0, 20)), 20);
    const { reader, errors } = collect();
    reader.push(Buffer.concat([header, text]));
    expect(errors).toEqual(['frame body of 9 bytes is not valid JSON']);
  });

  it('raising the limit admits larger frames', () => {
    const { reader, frames, errors } = collect(64);
    reader.setLimit(1 << 20);
    reader.push(bytes(encodeControlFrame({ type: 'checkpoint', generation: 0, id: 0, step: 1 }, new Uint8Array(10_000))));
    expect(errors).toEqual([]);
    expect(frames[0].attachment?.length).toBe(10_000);
  });
});

describe('control messages', () => {
  const frame = (body: unknown, attachment: Uint8Array | null = null): ControlFrame => ({ body, attachment });
  it('accepts valid messages and normalizes attachments', () => {
    const join = parseWorkerMessage(frame({ type: 'join', address: '127.0.0.1:5000', hostname: 'h', pid: 42 }));
    expect(join).toEqual({ message: { type: 'join', address: '127.0.0.1:5000', hostname: 'h', pid: 42 }, attachment: new Uint8Array(0) });
    const start = parseCoordinatorMessage(
      frame({ type: 'start', generation: 0, rank: 1, size: 2, addresses: ['a:1', 'b:2'], payload: { x: 1 }, hasResume: true }, new Uint8Array([1, 2])),
    );
    expect(typeof start === 'object' && Array.from(start.attachment)).toEqual([1, 2]);
  });

  it.each([
    ['an array', [1, 2], 'message is not a JSON object'],
    ['no type', { pid: 1 }, 'message has no string "type"'],
    ['an unknown type', { type: 'shutdown-everything' }, 'unknown message type "shutdown-everything"'],
    ['a coordinator type sent by a worker', { type: 'start' }, 'unknown message type "start"'],
    ['a wrong field type', { type: 'join', address: 'a:1', hostname: 'h', pid: '42' }, 'message "join": field pid: Invalid input: expected number, received string'],
    ['a missing field', { type: 'done', generation: 0 }, 'message "done": field result: missing'],
    ['a bad nonce', { type: 'answer', proof: 'zz', nonce: 'a'.repeat(64) }, 'message "answer": field proof: expected 64 lowercase hex digits'],
    ['a prototype key', { type: '__proto__' }, 'unknown message type "__proto__"'],
  ])('refuses %s', (_name, body, reason) => {
    expect(parseWorkerMessage(frame(body))).toBe(reason);
  });

  it('refuses an attachment on a message type without one', () => {
    expect(parseWorkerMessage(frame({ type: 'heartbeat' }, new Uint8Array(3)))).toBe('message "heartbeat" carries an unexpected attachment');
  });
});
