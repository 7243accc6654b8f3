/**
 * How a parameter server's k shards split the flat parameter buffer: k contiguous ranges. For
 * element-wise optimizers (SGD, Adam, AdamW) the ranges are as even as elements allow; layer-wise
 * rules (LARS, LAMB) compute one trust ratio per tensor, so their shards end on tensor boundaries
 * (balanced greedily by size) and every shard's update equals the whole-buffer update.
 */
import { sliceBounds } from '../../data/index.js';
import { LoomError } from '../../util/errors.js';

export type Shard = readonly [number, number];

export interface ShardSegment {
  readonly offset: number;
  readonly size: number;
}

export function planShards(total: number, segments: readonly ShardSegment[], servers: number, wholeTensors: boolean): Shard[] {
  if (!wholeTensors) {
    if (servers > total) throw new LoomError(`strategy.servers = ${servers}: the model's ${total} parameters cannot be split over more than ${total} servers`);
    return Array.from({ length: servers }, (_, s) => sliceBounds(total, s, servers));
  }
  const ends = segments.map((s) => s.offset + s.size).filter((end, i) => segments[i]!.size > 0);
  if (servers > ends.length) {
    throw new LoomError(`strategy.servers = ${servers}: a layer-wise optimizer updates whole tensors, and the model has ${ends.length}, so at most ${ends.length} servers`);
  }
  const shards: Shard[] = [];
  let start = 0;
  let next = 0; // index into ends of the first candidate boundary
  for (let s = 1; s < servers; s++) {
    const ideal = (total * s) / servers;
    // The boundary nearest the ideal cut, leaving at least one tensor for each shard still to come.
    let best = next;
    for (let i = next; i <= ends.length - 1 - (servers - s); i++) {
      if (Math.abs(ends[i]! - ideal) < Math.abs(ends[best]! - ideal)) best = i;
    }
    shards.push([start, ends[best]!]);
    start = ends[best]!;
    next = best + 1;
  }
  shards.push([start, total]);
  return shards;
}
