/**
 * Jobs for the cluster tests, chosen by `payload.kind`; the same code runs in-process and in
 * worker processes (worker-main.ts).
 *  - sum: one all-reduce of rank-dependent integers, checked exactly.
 *  - loop: all-reduce + sleep per iteration; rank 0 checkpoints {"iteration"} every few
 *    iterations and reports progress; a restarted generation resumes from the checkpoint.
 *  - throw: rank `failRank` throws in generation 0; the others wait in an all-reduce.
 */
import { Communicator } from '../../comm/index.js';
import type { WorkerContext } from '../job.js';

export interface SumResult {
  rank: number;
  size: number;
  exact: boolean;
}

export interface LoopResult {
  generation: number;
  rank: number;
  size: number;
  /** The iteration this generation started from (from the resume checkpoint). */
  startedAt: number;
  /** The iteration count reached (== iterations when the job is complete). */
  reached: number;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    }, { once: true });
  });

/** Rank r contributes (r + 1) * (i + 1) + i % 7 at index i. */
export function sumInput(rank: number, length: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => (rank + 1) * (i + 1) + (i % 7));
}

async function sumJob(ctx: WorkerContext, length: number): Promise<SumResult> {
  const comm = new Communicator(ctx.transport, { timeoutMs: 20_000 });
  const buf = sumInput(ctx.rank, length);
  await comm.allReduce(buf, { op: 'sum', signal: ctx.signal });
  const expected = Array.from({ length: ctx.size }, (_, r) => sumInput(r, length)).reduce((acc, v) => acc.map((x, i) => x + v[i]));
  return { rank: ctx.rank, size: ctx.size, exact: buf.every((x, i) => x === expected[i]) };
}

async function loopJob(ctx: WorkerContext, iterations: number, checkpointEvery: number, sleepMs: number): Promise<LoopResult> {
  const comm = new Communicator(ctx.transport, { timeoutMs: 20_000 });
  const startedAt = ctx.resume ? (JSON.parse(Buffer.from(ctx.resume).toString('utf8')) as { iteration: number }).iteration : 0;
  const buf = new Float32Array(1024);
  for (let i = startedAt; i < iterations; i++) {
    buf.fill(ctx.rank + 1);
    await comm.allReduce(buf, { op: 'sum', signal: ctx.signal });
    if (buf[0] !== (ctx.size * (ctx.size + 1)) / 2) throw new Error(`iteration ${i}: sum ${buf[0]} is wrong for size ${ctx.size}`);
    if (ctx.rank === 0 && (i + 1) % checkpointEvery === 0) {
      await ctx.saveCheckpoint(Buffer.from(JSON.stringify({ iteration: i + 1 })), i + 1);
    }
    if (ctx.rank === 0) ctx.report({ generation: ctx.generation, iteration: i + 1 });
    await sleep(sleepMs, ctx.signal);
  }
  return { generation: ctx.generation, rank: ctx.rank, size: ctx.size, startedAt, reached: iterations };
}

async function throwJob(ctx: WorkerContext, failRank: number): Promise<unknown> {
  if (ctx.generation === 0 && ctx.rank === failRank) throw new Error(`rank ${ctx.rank} was told to throw`);
  const comm = new Communicator(ctx.transport, { timeoutMs: 20_000 });
  const buf = new Float32Array(16).fill(1);
  await comm.allReduce(buf, { signal: ctx.signal });
  return { generation: ctx.generation, rank: ctx.rank, size: ctx.size, sum: buf[0] };
}

export type TestPayload =
  | { kind: 'sum'; length: number }
  | { kind: 'loop'; iterations: number; checkpointEvery: number; sleepMs: number }
  | { kind: 'throw'; failRank: number };

export async function runTestJob(ctx: WorkerContext): Promise<unknown> {
  const payload = ctx.payload as TestPayload;
  switch (payload.kind) {
    case 'sum':
      return sumJob(ctx, payload.length);
    case 'loop':
      return loopJob(ctx, payload.iterations, payload.checkpointEvery, payload.sleepMs);
    case 'throw':
      return throwJob(ctx, payload.failRank);
  }
}
