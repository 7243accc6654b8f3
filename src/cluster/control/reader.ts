/**
 * Incremental parser of control frames on one connection: feed it socket chunks in order; it
 * reassembles headers split across chunks, refuses a non-Loom stream at its fourth byte, checks
 * the declared size against the current limit before allocating anything, and checks the payload
 * CRC. The limit can change (tiny before the peer authenticates, larger after). After the first
 * problem it reports nothing more: the caller closes the connection.
 */
import { crc32 } from 'node:zlib';
import {
  CONTROL_HEADER_BYTES,
  CONTROL_MAGIC,
  decodeControlHeader,
  decodeControlPayload,
  describeMagic,
  readMagic,
  type ControlFrame,
  type ControlFrameHeader,
} from './frame.js';

export interface ControlFrameSink {
  frame(frame: ControlFrame): void;
  /** The stream is bad; `problem` describes it in a few words. No more calls follow. */
  error(problem: string): void;
}

export class ControlFrameReader {
  private readonly header = new Uint8Array(CONTROL_HEADER_BYTES);
  private headerFill = 0;
  private current: ControlFrameHeader | null = null;
  private payload: Uint8Array = new Uint8Array(0);
  private payloadFill = 0;
  private failed = false;

  /** `maxFrameBytes`: the largest body + attachment accepted now (see `setLimit`). */
  constructor(private maxFrameBytes: number, private readonly sink: ControlFrameSink, private limitNote = '') {}

  /** Changes the size limit for the frames that follow; `note` is added to the oversize reason. */
  setLimit(maxFrameBytes: number, note = ''): void {
    this.maxFrameBytes = maxFrameBytes;
    this.limitNote = note;
  }

  /** True between frames (a clean place for the stream to end). */
  get atBoundary(): boolean {
    return this.current === null && this.headerFill === 0;
  }

  /** Progress of the partial frame, for truncation reasons. */
  describePartial(): string {
    if (this.current) return `${this.payloadFill} of ${this.payload.length} payload bytes`;
    return `${this.headerFill} of ${CONTROL_HEADER_BYTES} header bytes`;
  }

  push(chunk: Uint8Array): void {
    let pos = 0;
    while (pos < chunk.length && !this.failed) {
      if (this.current === null) {
        const take = Math.min(CONTROL_HEADER_BYTES - this.headerFill, chunk.length - pos);
        const before = this.headerFill;
        this.header.set(chunk.subarray(pos, pos + take), this.headerFill);
        this.headerFill += take;
        pos += take;
        if (before < 4 && this.headerFill >= 4 && readMagic(this.header) !== CONTROL_MAGIC) return this.fail(describeMagic(readMagic(this.header)));
        if (this.headerFill === CONTROL_HEADER_BYTES) this.startFrame();
        continue;
      }
      const take = Math.min(this.payload.length - this.payloadFill, chunk.length - pos);
      this.payload.set(chunk.subarray(pos, pos + take), this.payloadFill);
      this.payloadFill += take;
      pos += take;
      if (this.payloadFill === this.payload.length) this.endFrame();
    }
  }

  private startFrame(): void {
    this.headerFill = 0;
    const header = decodeControlHeader(this.header);
    if (typeof header === 'string') return this.fail(header);
    const total = header.bodyLength + header.attachmentLength;
    if (total > this.maxFrameBytes) return this.fail(`frame of ${total} bytes exceeds the ${this.maxFrameBytes}-byte limit${this.limitNote}`);
    this.current = header;
    this.payload = new Uint8Array(total);
    this.payloadFill = 0;
  }

  private endFrame(): void {
    const header = this.current as ControlFrameHeader;
    const payload = this.payload;
    this.current = null;
    this.payload = new Uint8Array(0);
    if (crc32(payload) !== header.payloadCrc) return this.fail(`payload checksum mismatch on a ${payload.length}-byte frame`);
    const frame = decodeControlPayload(header, payload);
    if (typeof frame === 'string') return this.fail(frame);
    this.sink.frame(frame);
  }

  private fail(problem: string): void {
    this.failed = true;
    this.sink.error(problem);
  }
}
