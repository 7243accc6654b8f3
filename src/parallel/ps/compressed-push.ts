/**
 * Compressed pushes to a parameter server: each worker compresses its gradient's slice for each
 * server with a compressor of its own (error residuals and momentum are per worker and slice) and
 * sends the packed encoding; the server decodes each push on its own before applying it. Only
 * compressors whose encodings decode alone can do this: random-k (positions shared by all ranks,
 * never sent) and PowerSGD (all-reduce rounds) need an all-reduce, and the check refuses them.
 */
import type { Communicator, PointToPointOptions } from '../../comm/index.js';
import { createCompressor, needsAllReduce, packEncoding, unpackEncoding, type CompressionSpec, type Compressor } from '../../compress/index.js';
import type { LoomConfig } from '../../config/schema.js';
import type { ParamSegment } from '../../nn/model.js';
import { LoomError, showValue } from '../../util/errors.js';
import { checkCompressionFor } from '../compression/compression-check.js';
import type { Shard } from './shards.js';

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
  if (method.aggregation === 'rounds') throw new LoomError(`compression ${spec.type} needs an all-reduce: a parameter server decodes each push on its own`);
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
}

/** A server's side: receives a worker's packed push and decodes it into the gradient slice. */
export class PushDecoding {
  private readonly decoder: Compressor;
  private readonly buffers: Uint8Array[];

  constructor(spec: CompressionSpec, shard: Shard, segments: readonly ParamSegment[], seed: number, workers: number) {
    this.decoder = sliceCompressor(spec, shard, segments, seed, 0, workers);
    const length = shard[1] - shard[0];
    // No encoding is larger: 8 bytes an entry (a sparse pair), plus per-tensor metadata and the header.
    const most = 16 * length + 4 * (segments.length + 1) * 4 + 4096;
    this.buffers = Array.from({ length: workers }, () => new Uint8Array(most));
  }

  async receive(comm: Communicator, from: number, index: number, into: Float32Array, options: PointToPointOptions): Promise<void> {
    const buffer = this.buffers[index]!;
    const bytes = await comm.recv(from, buffer, options);
    this.decoder.decode(unpackEncoding(buffer.subarray(0, bytes), `worker rank ${from}`), into);
  }
}

/**
 * Before any worker starts: the compressor must decode alone, fit the model, and (its state being
 * the workers' own, not in the servers' checkpoints) the run must not resume from mid-run checkpoints.
 */
export function checkPushCompression(spec: CompressionSpec, config: LoomConfig): void {
  if (needsAllReduce(spec)) {
    throw new LoomError(`config key strategy.compression.type = ${showValue(spec.type)} is invalid for strategy ps: its encodings can only be summed inside an all-reduce, and a parameter server decodes each push on its own`);
  }
  if (config.output.checkpointEvery !== undefined) {
    throw new LoomError(`config key output.checkpointEvery = ${config.output.checkpointEvery} is not supported by strategy ps with compression: the workers' compressor state is not in the servers' checkpoints`);
  }
  checkCompressionFor(spec, config);
}
