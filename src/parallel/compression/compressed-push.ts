/**
 * Compressed pushes to a server (a parameter server's shards, a robust aggregator): each worker
 * compresses its vector's slice for each server with a compressor of its own (error residuals and
 * momentum are per worker and slice) and sends the packed encoding; the server decodes each push on
 * its own before using it. Only compressors whose encodings decode alone can do this: random-k
 * (positions shared by all ranks, never sent) and PowerSGD (all-reduce rounds) need an all-reduce,
 * and `checkPushable` refuses them.
 */
import type { Communicator, PointToPointOptions } from '../../comm/index.js';
import { checkStateLength, createCompressor, maxPackedBytes, needsAllReduce, packEncoding, unpackEncoding, type CompressionSpec, type Compressor } from '../../compress/index.js';
import type { ParamSegment } from '../../nn/model.js';
import { LoomError, showValue } from '../../util/errors.js';

/** [start, end) of the vector one server receives. */
type Shard = readonly [start: number, end: number];

/** Refuses a compressor whose encodings can only be summed inside an all-reduce; `server` names what would decode them. */
export function checkPushable(spec: CompressionSpec, strategy: string, server: string): void {
  if (needsAllReduce(spec)) {
    throw new LoomError(`config key strategy.compression.type = ${showValue(spec.type)} is invalid for ${strategy}: its encodings can only be summed inside an all-reduce, and ${server} decodes each push on its own`);
  }
}

/** The tensors of `segments` inside [start, end), relative to start; a tensor the range cuts becomes a vector. */
function segmentsWithin(segments: readonly ParamSegment[], [start, end]: Shard): ParamSegment[] {
  return segments.flatMap((s) => {
    const from = Math.max(s.offset, start);
    const to = Math.min(s.offset + s.size, end);
    if (to <= from) return [];
    const whole = from === s.offset && to === s.offset + s.size;
    return [{ ...s, offset: from - start, size: to - from, shape: whole ? s.shape : [to - from] }];
  });
}

function sliceCompressor(spec: CompressionSpec, shard: Shard, segments: readonly ParamSegment[], seed: number, rank: number, size: number): Compressor {
  const method = createCompressor(spec, { length: shard[1] - shard[0], segments: segmentsWithin(segments, shard), seed, rank, size });
  if (method.aggregation === 'rounds') throw new LoomError(`compression ${spec.type} needs an all-reduce: a server decodes each push on its own`);
  return method;
}

/** A worker's side: one compressor per server slice. */
export class PushCompression {
  private readonly compressors: Compressor[];

  constructor(spec: CompressionSpec, shards: readonly Shard[], segments: readonly ParamSegment[], seed: number, rank: number, size: number) {
    this.compressors = shards.map((shard) => sliceCompressor(spec, shard, segments, seed, rank, size));
  }

  /** The packed encoding of `slice` (server `index`'s part of the gradient) at `step`. */
  pack(index: number, slice: Float32Array, step: number): Uint8Array {
    return packEncoding(this.compressors[index]!.encode(slice, step));
  }

  /** The compressors' state (residuals, momentum) one after another; null when they keep none. */
  saveState(): Float32Array | null {
    const states = this.compressors.map((c) => c.saveState());
    if (states.every((state) => state === null)) return null;
    const total = states.reduce((sum, state) => sum + (state?.length ?? 0), 0);
    const out = new Float32Array(total);
    let at = 0;
    for (const state of states) {
      if (state) out.set(state, at);
      at += state?.length ?? 0;
    }
    return out;
  }

  /** Restores what saveState returned (each compressor checks its own part's length). */
  loadState(state: Float32Array): void {
    const lengths = this.compressors.map((c) => c.saveState()?.length ?? 0);
    checkStateLength('compressed pushes', state, lengths.reduce((sum, length) => sum + length, 0));
    let at = 0;
    this.compressors.forEach((compressor, i) => {
      compressor.loadState(state.subarray(at, at + lengths[i]!));
      at += lengths[i]!;
    });
  }
}

/** A server's side: receives a worker's packed push and decodes it into the gradient slice. */
export class PushDecoding {
  private readonly decoder: Compressor;
  private readonly buffers: Uint8Array[];

  constructor(spec: CompressionSpec, shard: Shard, segments: readonly ParamSegment[], seed: number, workers: number) {
    this.decoder = sliceCompressor(spec, shard, segments, seed, 0, workers);
    const most = maxPackedBytes(shard[1] - shard[0]);
    this.buffers = Array.from({ length: workers }, () => new Uint8Array(most));
  }

  async receive(comm: Communicator, from: number, index: number, into: Float32Array, options: PointToPointOptions): Promise<void> {
    this.decode(await this.receiveBytes(comm, from, index, options), from, into);
  }

  /** A worker's packed push, as received (into worker `index`'s buffer, valid until its next push). */
  async receiveBytes(comm: Communicator, from: number, index: number, options: PointToPointOptions): Promise<Uint8Array> {
    const buffer = this.buffers[index]!;
    return buffer.subarray(0, await comm.recv(from, buffer, options));
  }

  /** Decodes rank `from`'s packed push into `into`; a one-line LoomError if it is malformed. */
  decode(bytes: Uint8Array, from: number, into: Float32Array): void {
    this.decoder.decode(unpackEncoding(bytes, `worker rank ${from}`), into);
  }
}
