/**
 * Wire format of the control plane (coordinator <-> workers). Control traffic is small JSON
 * messages, except checkpoints and resume state, which ride as a binary attachment so that they are
 * not base64-inflated. Each frame stands alone. Header, 24 bytes, little-endian:
 *
 *   offset  size  field
 *        0     4  magic 0x4C4D4350 ("LMCP", Loom control plane)
 *        4     1  version (1)
 *        5     3  reserved (0)
 *        8     4  JSON body length in bytes (at least 2)
 *       12     4  attachment length in bytes (0: none)
 *       16     4  CRC-32 of the payload (body, then attachment)
 *       20     4  CRC-32 of bytes 0..19 (a corrupt length is caught before it is trusted)
 *
 * followed by the UTF-8 JSON body and the attachment. CRC-32 is zlib's (node:zlib crc32).
 */
import { crc32 } from 'node:zlib';

export const CONTROL_MAGIC = 0x4c4d4350;
export const CONTROL_VERSION = 1;
export const CONTROL_HEADER_BYTES = 24;
/** A JSON body is at least "{}". */
const MIN_BODY_BYTES = 2;

export interface ControlFrameHeader {
  bodyLength: number;
  attachmentLength: number;
  payloadCrc: number;
}

/** A decoded frame: the parsed JSON body (not yet validated as a message) and the attachment. */
export interface ControlFrame {
  body: unknown;
  attachment: Uint8Array | null;
}

/** Encodes one frame as [header, body, attachment?], ready for socket writes. */
export function encodeControlFrame(body: unknown, attachment?: Uint8Array | null): Buffer[] {
  const json = Buffer.from(JSON.stringify(body), 'utf8');
  const extra = attachment && attachment.length > 0 ? attachment : null;
  const header = Buffer.alloc(CONTROL_HEADER_BYTES);
  header.writeUInt32LE(CONTROL_MAGIC, 0);
  header.writeUInt8(CONTROL_VERSION, 4);
  header.writeUInt32LE(json.length, 8);
  header.writeUInt32LE(extra?.length ?? 0, 12);
  header.writeUInt32LE(extra ? crc32(extra, crc32(json)) : crc32(json), 16);
  header.writeUInt32LE(crc32(header.subarray(0, 20)), 20);
  return extra ? [header, json, Buffer.from(extra.buffer, extra.byteOffset, extra.length)] : [header, json];
}

export function describeMagic(magic: number): string {
  return `bad magic 0x${magic.toString(16).padStart(8, '0')} (not a Loom control frame)`;
}

export function readMagic(bytes: Uint8Array): number {
  return (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
}

/** Parses a complete header; returns a description of what is wrong instead when it is bad. */
export function decodeControlHeader(bytes: Uint8Array): ControlFrameHeader | string {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, CONTROL_HEADER_BYTES);
  const magic = view.readUInt32LE(0);
  if (magic !== CONTROL_MAGIC) return describeMagic(magic);
  if (crc32(view.subarray(0, 20)) !== view.readUInt32LE(20)) return 'bad header checksum';
  const version = view.readUInt8(4);
  if (version !== CONTROL_VERSION) return `unsupported control frame version ${version}`;
  if (view.readUIntLE(5, 3) !== 0) return 'nonzero reserved header bytes';
  const bodyLength = view.readUInt32LE(8);
  if (bodyLength < MIN_BODY_BYTES) return `JSON body of ${bodyLength} bytes is too short`;
  return { bodyLength, attachmentLength: view.readUInt32LE(12), payloadCrc: view.readUInt32LE(16) };
}

/** Parses a frame's payload once its CRC matched; a string describes what is wrong. */
export function decodeControlPayload(header: ControlFrameHeader, payload: Uint8Array): ControlFrame | string {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, header.bodyLength).toString('utf8'));
  } catch {
    return `frame body of ${header.bodyLength} bytes is not valid JSON`;
  }
  const attachment = header.attachmentLength > 0 ? payload.subarray(header.bodyLength) : null;
  return { body, attachment };
}
