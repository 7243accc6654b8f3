/**
 * Writes an incoming message, chunk by chunk, into a receive buffer: either copying or adding
 * float32 values (accumulate). Chunks may split floats and sit at unaligned offsets (socket
 * reads do); those go through a 4-byte carry and an aligned scratch copy.
 */
import { sumInto } from '../kernels/float-kernels.js';
import { bytesOf, type Payload } from '../transport.js';

export class PayloadWriter {
  private readonly bytes: Uint8Array;
  private readonly floats: Float32Array | null;
  private offset = 0;
  private readonly carry = new Uint8Array(4);
  private carryLength = 0;
  private scratch = new Float32Array(0);

  constructor(into: Payload, private readonly accumulate: boolean) {
    this.bytes = bytesOf(into);
    this.floats = into instanceof Float32Array ? into : null;
  }

  get written(): number {
    return this.offset + this.carryLength;
  }

  write(chunk: Uint8Array): void {
    if (!this.accumulate) {
      this.bytes.set(chunk, this.offset);
      this.offset += chunk.length;
      return;
    }
    let pos = 0;
    if (this.carryLength > 0) {
      const take = Math.min(4 - this.carryLength, chunk.length);
      this.carry.set(chunk.subarray(0, take), this.carryLength);
      this.carryLength += take;
      pos = take;
      if (this.carryLength < 4) return;
      this.addFloats(new Float32Array(this.carry.buffer, 0, 1));
      this.carryLength = 0;
    }
    const whole = (chunk.length - pos) & ~3;
    if (whole > 0) {
      const start = chunk.byteOffset + pos;
      if (start % 4 === 0) {
        this.addFloats(new Float32Array(chunk.buffer, start, whole / 4));
      } else {
        if (this.scratch.length < whole / 4) this.scratch = new Float32Array(whole / 4);
        const aligned = this.scratch.subarray(0, whole / 4);
        new Uint8Array(aligned.buffer, 0, whole).set(chunk.subarray(pos, pos + whole));
        this.addFloats(aligned);
      }
    }
    const rest = chunk.length - pos - whole;
    if (rest > 0) {
      this.carry.set(chunk.subarray(chunk.length - rest));
      this.carryLength = rest;
    }
  }

  private addFloats(src: Float32Array): void {
    const at = this.offset / 4;
    sumInto((this.floats as Float32Array).subarray(at, at + src.length), src);
    this.offset += src.length * 4;
  }
}
