/**
 * Incremental frame parser for one connection: feed it socket chunks in order; it reassembles
 * headers split across chunks, streams payload bytes to the sink chosen for each frame, checks the
 * size limit before reading a payload and the payload checksum after. After the first error it reports
 * nothing more (the caller closes the connection).
 */
import { Fletcher4 } from '../../kernels/fletcher4.js';
import { decodeFrameHeader, describeMagic, FRAME_HEADER_BYTES, FRAME_MAGIC, type FrameHeader } from './frame.js';

const readMagic = (header: Uint8Array): number => (header[0] | (header[1] << 8) | (header[2] << 16) | (header[3] << 24)) >>> 0;

export interface FrameHandler {
  /** A header passed its checks; returns where the payload goes. */
  start(header: FrameHeader): { write(chunk: Uint8Array): void };
  /** The payload arrived in full and matched its checksum. */
  end(header: FrameHeader): void;
  /** The stream is bad; `problem` describes it. No more calls follow. */
  error(problem: string): void;
}

export class FrameReader {
  private readonly header = new Uint8Array(FRAME_HEADER_BYTES);
  private headerFill = 0;
  private current: FrameHeader | null = null;
  private sink: { write(chunk: Uint8Array): void } | null = null;
  private remaining = 0;
  private checksum = new Fletcher4();
  private failed = false;

  constructor(private readonly maxPayloadBytes: number, private readonly handler: FrameHandler) {}

  /** True between frames (a clean place for the stream to end). */
  get atBoundary(): boolean {
    return this.current === null && this.headerFill === 0;
  }

  /** Progress of the partial frame, for truncation errors. */
  describePartial(): string {
    if (this.current) return `${this.current.frameLength - this.remaining} of ${this.current.frameLength} payload bytes`;
    return `${this.headerFill} of ${FRAME_HEADER_BYTES} header bytes`;
  }

  push(chunk: Uint8Array): void {
    let pos = 0;
    while (pos < chunk.length && !this.failed) {
      if (this.current === null) {
        const take = Math.min(FRAME_HEADER_BYTES - this.headerFill, chunk.length - pos);
        this.header.set(chunk.subarray(pos, pos + take), this.headerFill);
        const before = this.headerFill;
        this.headerFill += take;
        pos += take;
        // Refuse a stream that is not Loom frames at its fourth byte, without waiting for a whole header.
        if (before < 4 && this.headerFill >= 4 && readMagic(this.header) !== FRAME_MAGIC) return this.fail(describeMagic(readMagic(this.header)));
        if (this.headerFill === FRAME_HEADER_BYTES) this.startFrame();
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - pos);
      const part = chunk.subarray(pos, pos + take);
      this.checksum.update(part);
      (this.sink as { write(chunk: Uint8Array): void }).write(part);
      this.remaining -= take;
      pos += take;
      if (this.remaining === 0) this.endFrame();
    }
  }

  private startFrame(): void {
    this.headerFill = 0;
    const header = decodeFrameHeader(this.header);
    if (typeof header === 'string') return this.fail(header);
    if (header.frameLength > this.maxPayloadBytes) {
      return this.fail(`frame of ${header.frameLength} bytes exceeds the ${this.maxPayloadBytes}-byte limit`);
    }
    this.current = header;
    this.remaining = header.frameLength;
    this.checksum = new Fletcher4();
    this.sink = this.handler.start(header);
    if (this.remaining === 0) this.endFrame();
  }

  private endFrame(): void {
    const header = this.current as FrameHeader;
    this.current = null;
    this.sink = null;
    if (this.checksum.digest() !== header.payloadChecksum) return this.fail(`payload checksum mismatch on a ${header.frameLength}-byte frame (tag ${header.tag})`);
    this.handler.end(header);
  }

  private fail(problem: string): void {
    this.failed = true;
    this.handler.error(problem);
  }
}
