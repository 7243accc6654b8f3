/**
 * The sum over ranks of a compressed vector, by the collective each compressor's encoding allows:
 * 'sum' encodings ride inside all-reduces (each part summed in its own element type, halves in
 * their 16-bit format), 'gather' encodings are packed to bytes, all-gathered (their sizes first,
 * since sparsifiers send a data-dependent number of entries) and combined, and 'rounds'
 * compressors (PowerSGD, 1-bit Adam) drive their own sum all-reduces and byte all-gathers. Every
 * rank ends with the same result. The compressor's own compute is charged to a simulated clock
 * (local-work.ts), so virtual mode shows where it costs more than the bytes it saves.
 */
import type { Communicator, OpOptions } from '../../comm/index.js';
import { LoomError } from '../../util/errors.js';
import { LocalWork } from './local-work.js';
import { createCompressor, packEncoding, unpackEncoding, sumOfDecoded, type CompressionMethod, type CompressionSpec, type CompressionTarget, type Compressor, type RoundCollectives } from '../../compress/index.js';

export class CompressedSum {
  /** A fixed-size compressor's packed size, learned at its first all-gather: later ones skip exchanging sizes. */
  private fixedBytes: number | null = null;
  /** A decoded encoding, before it is added (kept between steps). */
  private scratch: Float32Array | null = null;
  /** The compressor's own compute (encode, decode, combine, the work between rounds), charged to a simulated clock. */
  readonly work: LocalWork;
  /** What a 'rounds' compressor drives: this communicator's sum all-reduce and byte all-gather, and its compute measured. */
  private readonly collectives: RoundCollectives = {
    sum: (buf) => this.comm.allReduce(buf, { op: 'sum', ...this.limits() }),
    gather: (part) => this.gatherBytes(part),
    local: (work) => this.work.run(work),
  };

  constructor(
    private readonly comm: Communicator,
    readonly method: CompressionMethod,
    private readonly limits: () => OpOptions,
  ) {
    this.work = new LocalWork(comm);
  }

  /** The compressor a spec names for this rank, its state restored from `saved` (a checkpoint's) when given. */
  static create(comm: Communicator, spec: CompressionSpec, target: Omit<CompressionTarget, 'rank' | 'size'>, saved: Float32Array | undefined, limits: () => OpOptions): CompressedSum {
    const method = createCompressor(spec, { ...target, rank: comm.rank, size: comm.size });
    if (saved) method.loadState(saved);
    return new CompressedSum(comm, method, limits);
  }

  /** `out` = the estimate of the sum over ranks of their `input` at `step` (`out` may be `input`). */
  async sum(input: Float32Array, out: Float32Array, step: number): Promise<void> {
    const { method, work } = this;
    if (method.aggregation === 'rounds') {
      await method.reduce(input, out, step, this.collectives);
      return;
    }
    const encoding = work.run(() => method.encode(input, step));
    if (method.aggregation === 'sum') {
      await Promise.all(encoding.parts.map((part) => this.comm.allReduce(part.data, { op: 'sum', ...(part.half ? { dtype: part.half } : {}), ...this.limits() })));
      work.run(() => method.decode(encoding, out));
      return;
    }
    const gathered = await this.gatherBytes(work.run(() => packEncoding(encoding)), method.fixedSize === true);
    work.run(() => this.combine(method, gathered, out));
  }

  private combine(method: Compressor, gathered: readonly Uint8Array[], out: Float32Array): void {
    const encodings = gathered.map((bytes, rank) => unpackEncoding(bytes, `rank ${rank}`));
    if (method.combine) method.combine(encodings, out);
    else {
      if (this.scratch?.length !== out.length) this.scratch = new Float32Array(out.length);
      sumOfDecoded(method, encodings, out, this.scratch);
    }
  }

  /** Every rank's bytes in rank order: their sizes all-gathered first (once for a fixed-size encoding), then the bytes in one all-gatherv. */
  private async gatherBytes(part: Uint8Array, fixedSize = false): Promise<Uint8Array[]> {
    const { comm } = this;
    const counts = new Int32Array(comm.size);
    if (fixedSize && this.fixedBytes !== null) {
      if (part.byteLength !== this.fixedBytes) throw new LoomError(`${this.method.name}: a fixed-size encoding took ${part.byteLength} bytes, not ${this.fixedBytes}`);
      counts.fill(this.fixedBytes);
    } else {
      await comm.allGather(Int32Array.of(part.byteLength), counts, this.limits());
      if (fixedSize) {
        if (counts.some((count) => count !== counts[0])) throw new LoomError(`${this.method.name}: fixed-size encodings differ in size between ranks (${[...counts].join(', ')} bytes)`);
        this.fixedBytes = counts[0]!;
      }
    }
    let total = 0;
    for (const count of counts) total += count;
    const all = new Uint8Array(total);
    await comm.allGatherV(part, [...counts], all, this.limits());
    const parts: Uint8Array[] = [];
    let offset = 0;
    for (let rank = 0; rank < comm.size; rank++) {
      parts.push(all.subarray(offset, offset + counts[rank]));
      offset += counts[rank];
    }
    return parts;
  }
}
