/**
 * The tensors of a compression target as groups of entries, for compressors that keep one scale
 * per tensor (TernGrad): group g < segments.length is segment g (in the order given, an empty
 * segment included); the entries no segment covers, if any, form one last group.
 */
import { LoomError } from '../util/errors.js';
import type { CompressionTarget } from './compressor.js';

/** Entries [start, end) of the vector, all in one group. */
export interface TensorRun {
  readonly group: number;
  readonly start: number;
  readonly end: number;
}

export interface TensorGroups {
  /** Number of groups: the segments, plus one when some entries lie outside every segment. */
  readonly count: number;
  /** Non-empty runs covering 0..length exactly once, in increasing order of start. */
  readonly runs: readonly TensorRun[];
}

export function tensorGroups(target: Pick<CompressionTarget, 'length' | 'segments'>): TensorGroups {
  const { length, segments } = target;
  const order = segments.map((_, g) => g).sort((a, b) => segments[a].offset - segments[b].offset);
  const runs: TensorRun[] = [];
  const extra = segments.length;
  let uncovered = false;
  let at = 0;
  for (const g of order) {
    const { name, offset, size } = segments[g];
    if (!Number.isInteger(offset) || !Number.isInteger(size) || offset < 0 || size < 0 || offset + size > length) {
      throw new LoomError(`tensor ${name} (offset ${offset}, size ${size}) lies outside the compressed vector of ${length} entries`);
    }
    if (size === 0) continue;
    if (offset < at) throw new LoomError(`tensor ${name} (offset ${offset}) overlaps the tensor before it, which ends at ${at}`);
    if (offset > at) {
      runs.push({ group: extra, start: at, end: offset });
      uncovered = true;
    }
    runs.push({ group: g, start: offset, end: offset + size });
    at = offset + size;
  }
  if (at < length) {
    runs.push({ group: extra, start: at, end: length });
    uncovered = true;
  }
  return { count: segments.length + (uncovered ? 1 : 0), runs };
}
