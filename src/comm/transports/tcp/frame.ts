/**
 * Wire format of the TCP transport: every message is one frame,
 *
 *   offset  size  field
 *        0     4  magic 0x4C4F4F4D ("LOOM")
 *        4     1  version (1)
 *        5     1  kind (1 hello, 2 data)
 *        6     2  flags (0)
 *        8     4  tag
 *       12     4  payload length in bytes
 *       16     4  CRC-32 of the payload
 *       20     4  CRC-32 of bytes 0..19 (a corrupt length is caught before it is trusted)
 *
 * followed by the payload. Integers are little-endian. CRC-32 is zlib's (node:zlib crc32).
 */
import { crc32 } from 'node:zlib';

export const FRAME_MAGIC = 0x4c4f4f4d;
export const FRAME_VERSION = 1;
export const FRAME_HEADER_BYTES = 24;
export const FrameKind = { hello: 1, data: 2 } as const;
export type FrameKindValue = (typeof FrameKind)[keyof typeof FrameKind];

export interface FrameHeader {
  version: number;
  kind: number;
  flags: number;
  tag: number;
  length: number;
  payloadCrc: number;
}

export function encodeFrameHeader(kind: FrameKindValue, tag: number, payload: Uint8Array): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt32LE(FRAME_MAGIC, 0);
  header.writeUInt8(FRAME_VERSION, 4);
  header.writeUInt8(kind, 5);
  header.writeUInt16LE(0, 6);
  header.writeUInt32LE(tag >>> 0, 8);
  header.writeUInt32LE(payload.length, 12);
  header.writeUInt32LE(crc32(payload), 16);
  header.writeUInt32LE(crc32(header.subarray(0, 20)), 20);
  return header;
}

/** Parses a complete 24-byte header; returns a description of what is wrong instead when it is bad. */
export function decodeFrameHeader(bytes: Uint8Array): FrameHeader | string {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, FRAME_HEADER_BYTES);
  const magic = view.readUInt32LE(0);
  if (magic !== FRAME_MAGIC) return `bad magic 0x${magic.toString(16).padStart(8, '0')} (not a Loom frame)`;
  const headerCrc = view.readUInt32LE(20);
  if (crc32(view.subarray(0, 20)) !== headerCrc) return 'bad header checksum';
  const version = view.readUInt8(4);
  if (version !== FRAME_VERSION) return `unsupported frame version ${version}`;
  const kind = view.readUInt8(5);
  if (kind !== FrameKind.hello && kind !== FrameKind.data) return `unknown frame kind ${kind}`;
  return { version, kind, flags: view.readUInt16LE(6), tag: view.readUInt32LE(8), length: view.readUInt32LE(12), payloadCrc: view.readUInt32LE(16) };
}
