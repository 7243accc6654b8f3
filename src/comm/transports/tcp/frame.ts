/**
 * Wire format of the TCP transport. A message travels as one or more frames (fragments of at
 * most the sender's fragment size), so that checksumming, sending and receiving overlap and
 * backpressure applies inside a large message. Frame header, 32 bytes, little-endian:
 *
 *   offset  size  field
 *        0     4  magic 0x4C4F4F4D ("LOOM")
 *        4     1  version (2)
 *        5     1  kind (1 hello, 2 data)
 *        6     2  flags: 1 = first frame of a message, 2 = last frame
 *        8     4  tag
 *       12     4  message length in bytes (the whole message, repeated in every frame)
 *       16     4  frame payload length in bytes
 *       20     4  checksum of this frame's payload (Fletcher-4, kernels/fletcher4.ts)
 *       24     4  reserved (0)
 *       28     4  CRC-32 of bytes 0..27 (a corrupt length is caught before it is trusted)
 *
 * followed by the frame payload. CRC-32 is zlib's (node:zlib crc32). Version 1 used CRC-32 for
 * the payload too; Fletcher-4 with SIMD checks it ~2.5x faster.
 */
import { crc32 } from 'node:zlib';
import { fletcher4 } from '../../kernels/fletcher4.js';

export const FRAME_MAGIC = 0x4c4f4f4d;
export const FRAME_VERSION = 2;
export const FRAME_HEADER_BYTES = 32;
export const FrameKind = { hello: 1, data: 2 } as const;
export type FrameKindValue = (typeof FrameKind)[keyof typeof FrameKind];
export const FIRST_FRAME = 1;
export const LAST_FRAME = 2;
export const WHOLE_MESSAGE = FIRST_FRAME | LAST_FRAME;

export interface FrameHeader {
  kind: number;
  flags: number;
  tag: number;
  messageLength: number;
  frameLength: number;
  payloadChecksum: number;
}

export function encodeFrameHeader(kind: FrameKindValue, tag: number, flags: number, messageLength: number, payload: Uint8Array): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt32LE(FRAME_MAGIC, 0);
  header.writeUInt8(FRAME_VERSION, 4);
  header.writeUInt8(kind, 5);
  header.writeUInt16LE(flags, 6);
  header.writeUInt32LE(tag >>> 0, 8);
  header.writeUInt32LE(messageLength, 12);
  header.writeUInt32LE(payload.length, 16);
  header.writeUInt32LE(fletcher4(payload), 20);
  header.writeUInt32LE(0, 24);
  header.writeUInt32LE(crc32(header.subarray(0, 28)), 28);
  return header;
}

export function describeMagic(magic: number): string {
  return `bad magic 0x${magic.toString(16).padStart(8, '0')} (not a Loom frame)`;
}

/** Parses a complete header; returns a description of what is wrong instead when it is bad. */
export function decodeFrameHeader(bytes: Uint8Array): FrameHeader | string {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, FRAME_HEADER_BYTES);
  const magic = view.readUInt32LE(0);
  if (magic !== FRAME_MAGIC) return describeMagic(magic);
  if (crc32(view.subarray(0, 28)) !== view.readUInt32LE(28)) return 'bad header checksum';
  const version = view.readUInt8(4);
  if (version !== FRAME_VERSION) return `unsupported frame version ${version}`;
  const kind = view.readUInt8(5);
  if (kind !== FrameKind.hello && kind !== FrameKind.data) return `unknown frame kind ${kind}`;
  const header = {
    kind,
    flags: view.readUInt16LE(6),
    tag: view.readUInt32LE(8),
    messageLength: view.readUInt32LE(12),
    frameLength: view.readUInt32LE(16),
    payloadChecksum: view.readUInt32LE(20),
  };
  if ((header.flags & ~WHOLE_MESSAGE) !== 0) return `unknown frame flags 0x${header.flags.toString(16)}`;
  if (header.frameLength > header.messageLength) return `frame of ${header.frameLength} bytes in a message of ${header.messageLength}`;
  return header;
}
