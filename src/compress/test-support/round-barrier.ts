import type { RoundCollectives } from '../compressor.js';

type Pending =
  | { rank: number; kind: 'sum'; buf: Float32Array; resolve: () => void; reject: (e: Error) => void }
  | { rank: number; kind: 'gather'; part: Uint8Array; resolve: (parts: Uint8Array[]) => void; reject: (e: Error) => void };

/**
 * N ranks' collectives in one process, for round compressors' tests: each call waits for all N,
 * then a sum leaves the float32 sum (taken in rank order) in every buffer and a gather gives
 * every rank copies of all parts in rank order. Ranks that call different collectives, or sums of
 * different lengths, are rejected.
 */
export class RoundBarrier {
  /** Lengths of each rank's sums, in call order. */
  readonly calls: number[][];
  /** Byte lengths of each rank's gathered parts, in call order. */
  readonly gathers: number[][];
  private pending: Pending[] = [];

  constructor(readonly ranks: number) {
    this.calls = Array.from({ length: ranks }, () => []);
    this.gathers = Array.from({ length: ranks }, () => []);
  }

  forRank(rank: number): RoundCollectives {
    return {
      sum: (buf) =>
        new Promise<void>((resolve, reject) => {
          this.calls[rank].push(buf.length);
          this.arrive({ rank, kind: 'sum', buf, resolve, reject });
        }),
      gather: (part) =>
        new Promise<Uint8Array[]>((resolve, reject) => {
          this.gathers[rank].push(part.byteLength);
          this.arrive({ rank, kind: 'gather', part: part.slice(), resolve, reject });
        }),
      local: (work) => work(),
    };
  }

  private arrive(entry: Pending): void {
    this.pending.push(entry);
    if (this.pending.length < this.ranks) return;
    const group = this.pending.sort((a, b) => a.rank - b.rank);
    this.pending = [];
    const fail = (why: string): void => {
      for (const e of group) e.reject(new Error(why));
    };
    if (group.some((e) => e.kind !== group[0].kind)) return fail(`mismatched collectives ${group.map((e) => e.kind).join(', ')}`);
    if (group[0].kind === 'gather') {
      const parts = group.map((e) => (e as Extract<Pending, { kind: 'gather' }>).part);
      for (const e of group) (e as Extract<Pending, { kind: 'gather' }>).resolve(parts.map((p) => p.slice()));
      return;
    }
    const sums = group as Extract<Pending, { kind: 'sum' }>[];
    if (sums.some((e) => e.buf.length !== sums[0].buf.length)) return fail(`mismatched all-reduce lengths ${sums.map((e) => e.buf.length).join(', ')}`);
    const sum = new Float32Array(sums[0].buf.length);
    for (const e of sums) for (let i = 0; i < sum.length; i++) sum[i] += e.buf[i];
    for (const e of sums) {
      e.buf.set(sum);
      e.resolve();
    }
  }
}
