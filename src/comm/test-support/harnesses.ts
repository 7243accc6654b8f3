/**
 * How the shared suite starts a world of `size` ranks on each transport and runs a rank program
 * (an export of rank-program.ts) on every rank.
 */
import { listenTcp } from '../transports/tcp/listener.js';
import { connectTcpTransport, type TcpTransport } from '../transports/tcp/tcp-transport.js';
import { ThreadPool } from '../transports/threads/pool.js';
import { createVirtualTransports } from '../transports/virtual/virtual-transport.js';
import type { Transport } from '../transport.js';
import * as programs from './rank-program.js';

export type ProgramName = 'runCollectiveCases' | 'runTypedCases' | 'runTimeoutScenario' | 'runRootCauseScenario';

export interface WorldHarness {
  readonly name: string;
  run<R>(size: number, program: ProgramName, data: unknown): Promise<R[]>;
  close(): Promise<void>;
}

type InProcessProgram = (transport: Transport, data: never) => Promise<unknown>;

/** Runs the program on every rank in this process; reports the first rank's failure (others then time out). */
async function runInProcess<R>(transports: Transport[], program: ProgramName, data: unknown): Promise<R[]> {
  const fn = programs[program] as InProcessProgram;
  const results = await Promise.allSettled(transports.map((t) => fn(t, data as never)));
  await Promise.all(transports.map((t) => t.close()));
  const failures = results.flatMap((r, rank) => (r.status === 'rejected' ? [`rank ${rank}: ${(r.reason as Error).message}`] : []));
  if (failures.length > 0) throw new Error(failures.join('\n'));
  return results.map((r) => (r as PromiseFulfilledResult<R>).value);
}

export function virtualHarness(): WorldHarness {
  return {
    name: 'virtual',
    run: (size, program, data) => runInProcess(createVirtualTransports(size), program, data),
    close: async () => {},
  };
}

/** TCP ranks in this process over real loopback sockets. */
export async function createTcpWorld(size: number, options: { maxFrameBytes?: number } = {}): Promise<TcpTransport[]> {
  const listeners = await Promise.all(Array.from({ length: size }, () => listenTcp('127.0.0.1', 0)));
  const addresses = listeners.map((l) => l.address);
  try {
    return await Promise.all(listeners.map((listener, rank) => connectTcpTransport({ rank, addresses, listener, connectTimeoutMs: 10_000, ...options })));
  } finally {
    for (const l of listeners) l.close();
  }
}

export function tcpHarness(): WorldHarness {
  return {
    name: 'tcp',
    run: async (size, program, data) => runInProcess(await createTcpWorld(size), program, data),
    close: async () => {},
  };
}

/** Real worker_threads, one per rank, reused across worlds. */
export function threadsHarness(): WorldHarness {
  const pool = ThreadPool.create();
  const module = new URL('./rank-program.js', import.meta.url);
  // Under vitest/tsx this file is .ts: point the workers at the .ts source.
  if (import.meta.url.endsWith('.ts')) module.pathname = module.pathname.replace(/\.js$/, '.ts');
  return {
    name: 'threads',
    // Small arena slots: the large vectors cross the arena in hundreds of chunks, both parities many times.
    run: (size, program, data) => pool.run(size, { module, exportName: program }, data, { ringBytes: 1 << 20, arenaSlotBytes: 16 << 10 }),
    close: () => pool.close(),
  };
}
