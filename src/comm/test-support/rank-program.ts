/**
 * The program every rank runs in the shared suite, whatever the transport: in-process for
 * virtual and TCP, inside each worker thread for threads (ThreadPool imports this module).
 */
import { isPeerGone } from '../../util/errors.js';
import { Communicator } from '../communicator.js';
import type { Transport } from '../transport.js';
import { runCase, type CollectiveCase } from './collective-cases.js';
import { runTypedCase, type TypedCase } from './typed-cases.js';

export interface CasesRun {
  cases: readonly CollectiveCase[];
  timeoutMs?: number;
}

/** Runs the cases in order; resolves with the number that passed on this rank. */
export async function runCollectiveCases(transport: Transport, run: CasesRun): Promise<number> {
  const comm = new Communicator(transport, { timeoutMs: run.timeoutMs ?? 20_000 });
  let passed = 0;
  for (const c of run.cases) {
    await runCase(comm, c);
    passed++;
  }
  return passed;
}

/** The element-type cases (typed-cases.ts) in order; resolves with the number that passed on this rank. */
export async function runTypedCases(transport: Transport, run: { cases: readonly TypedCase[] }): Promise<number> {
  const comm = new Communicator(transport, { timeoutMs: 20_000 });
  let passed = 0;
  for (const c of run.cases) {
    await runTypedCase(comm, c);
    passed++;
  }
  return passed;
}

/**
 * Failure behaviour: every rank but the last waits on a collective (and rank 0 on a recv) that
 * the last rank never joins; returns the error messages seen.
 */
export async function runTimeoutScenario(transport: Transport, run: { timeoutMs: number }): Promise<string[]> {
  const comm = new Communicator(transport, { timeoutMs: 60_000 });
  const last = comm.size - 1;
  if (comm.rank === last) {
    await new Promise((resolve) => setTimeout(resolve, run.timeoutMs * 4));
    return [];
  }
  const messages: string[] = [];
  const capture = async (work: Promise<unknown>): Promise<void> => {
    try {
      await work;
      messages.push('resolved');
    } catch (error) {
      messages.push(`${(error as Error).name}: ${(error as Error).message}`);
    }
  };
  if (comm.rank === 0) await capture(comm.recv(last, new Float32Array(4), { tag: 9, timeoutMs: run.timeoutMs }));
  await capture(comm.allReduce(new Float32Array(64), { algorithm: 'ring', timeoutMs: run.timeoutMs }));
  await capture(comm.barrier()); // refused at once: the communicator failed
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('stop requested')), 20);
  if (comm.rank === 0) await capture(comm.recv(last, new Float32Array(4), { tag: 10, signal: controller.signal }));
  // Stay up until rank 0 is done: a rank that closes its transport early would fail rank 0's sends instead.
  await new Promise((resolve) => setTimeout(resolve, run.timeoutMs * 2));
  return messages;
}

/**
 * A root cause that arrives late: the last rank closes its transport, waits `delayMs` and then
 * fails with "root cause on rank N" (with `rethrow`); the others fail at once on a recv from it and
 * rethrow (`rethrow`) or return whether their failure reads as a consequence (isPeerGone).
 */
export async function runRootCauseScenario(transport: Transport, run: { delayMs: number; rethrow: boolean }): Promise<boolean> {
  const comm = new Communicator(transport, { timeoutMs: 20_000 });
  const last = comm.size - 1;
  if (comm.rank === last) {
    await transport.close();
    await new Promise((resolve) => setTimeout(resolve, run.delayMs));
    if (run.rethrow) throw new Error(`root cause on rank ${last}`);
    return true;
  }
  try {
    await comm.recv(last, new Float32Array(4));
  } catch (error) {
    if (run.rethrow) throw error;
    return isPeerGone(error);
  }
  return false;
}
