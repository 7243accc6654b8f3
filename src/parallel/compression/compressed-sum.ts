/**
 * The sum over ranks of a compressed vector, by the collective each compressor's encoding allows:
 * 'sum' encodings ride inside all-reduces (each part summed in its own element type, halves in
 * their 16-bit format), 'gather' encodings are packed to bytes, all-gathered (their sizes first,
 * since sparsifiers send a data-dependent number of entries) and combined, and 'rounds'
 * compressors (PowerSGD) drive their own sum all-reduces. Every rank ends with the same result.
 */
import type { Communicator, OpOptions } from '../../comm/index.js';
import { packEncoding, payloadBytes, unpackEncoding, sumOfDecoded, type CompressionMethod, type Compressor } from '../../compress/index.js';

export class CompressedSum {
  /** Payload bytes this rank has contributed so far: what the compressor produced, byte for byte. */
  payloadBytes = 0;
  /** A decoded encoding, before it is added (kept between steps). */
  private scratch: Float32Array | null = null;

  constructor(
    private readonly comm: Communicator,
    readonly method: CompressionMethod,
    private readonly limits: () => OpOptions,
  ) {}

  /** `out` = the estimate of the sum over ranks of their `input` at `step` (`out` may be `input`). */
  async sum(input: Float32Array, out: Float32Array, step: number): Promise<void> {
    const method = this.method;
    if (method.aggregation === 'rounds') {
      this.payloadBytes += await method.reduce(input, out, step, (buf) => this.comm.allReduce(buf, { op: 'sum', ...this.limits() }));
      return;
    }
    const encoding = method.encode(input, step);
    this.payloadBytes += payloadBytes(encoding);
    if (method.aggregation === 'sum') {
      await Promise.all(encoding.parts.map((part) => this.comm.allReduce(part.data, { op: 'sum', ...(part.half ? { dtype: part.half } : {}), ...this.limits() })));
      method.decode(encoding, out);
      return;
    }
    await this.gatherAndCombine(method, packEncoding(encoding), out);
  }

  private async gatherAndCombine(method: Compressor, packed: Uint8Array, out: Float32Array): Promise<void> {
    const { comm } = this;
    const counts = new Int32Array(comm.size);
    await comm.allGather(Int32Array.of(packed.byteLength), counts, this.limits());
    let total = 0;
    for (const count of counts) total += count;
    const all = new Uint8Array(total);
    await comm.allGatherV(packed, [...counts], all, this.limits());
    const encodings = [];
    let offset = 0;
    for (let rank = 0; rank < comm.size; rank++) {
      encodings.push(unpackEncoding(all.subarray(offset, offset + counts[rank]), `rank ${rank}`));
      offset += counts[rank];
    }
    if (method.combine) method.combine(encodings, out);
    else {
      if (this.scratch?.length !== out.length) this.scratch = new Float32Array(out.length);
      sumOfDecoded(method, encodings, out, this.scratch);
    }
  }
}
