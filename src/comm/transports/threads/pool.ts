/**
 * Starts rank threads and runs a program on them. Each run gets a fresh world (descriptor) over
 * the first `size` workers; workers are kept for later runs. A program is named by module URL and
 * export name, because functions cannot be posted to a thread.
 *
 * TypeScript sources: when this file (or the program module) is a .ts file, as under vitest or
 * tsx, workers start through a small bootstrap that registers tsx's ESM loader first; from the
 * compiled dist/ they load worker-main.js directly.
 */
import type { Worker } from 'node:worker_threads';
import { LoomError, PeerGoneError } from '../../../util/errors.js';
import { allOrRootFailure } from '../../../util/root-failure.js';
import { isTypeScriptModule, startModuleWorker } from '../../../util/module-worker.js';
import { siblingModule } from '../../../util/module-url.js';
import { createThreadsDescriptor, type ThreadsWorldOptions } from './descriptor.js';
import type { RunReply, RunRequest } from './pool-protocol.js';

export interface ProgramRef {
  /** Module URL (file: URL or string) that exports the program. */
  module: string | URL;
  exportName: string;
}

interface Slot {
  worker: Worker;
  /** Whether tsx's loader is registered in this worker (needed for .ts program modules). */
  tsx: boolean;
  pending: { id: number; resolve(value: unknown): void; reject(error: Error): void; onEvent?: (event: unknown) => void } | null;
}

export class ThreadPool {
  private readonly slots: (Slot | null)[] = [];
  private nextId = 1;
  private closed = false;

  private constructor(private readonly typescript: boolean) {}

  /**
   * Workers start on first use and are reused. `typescript`: register tsx in every worker
   * (default: when this file itself runs from the .ts sources).
   */
  static create(options: { typescript?: boolean } = {}): ThreadPool {
    return new ThreadPool(options.typescript ?? isTypeScriptModule(import.meta.url));
  }

  /**
   * Runs `program` on ranks 0..size-1 with the same `data`; resolves with each rank's result.
   * `onEvent(rank, event)` receives what the ranks `emit` while they run.
   */
  async run<R>(size: number, program: ProgramRef, data: unknown, world: ThreadsWorldOptions = {}, onEvent?: (rank: number, event: unknown) => void): Promise<R[]> {
    if (this.closed) throw new LoomError('thread pool is closed');
    const descriptor = createThreadsDescriptor(size, world);
    const module = program.module.toString();
    const needsTsx = this.typescript || isTypeScriptModule(module);
    const runs = Array.from({ length: size }, (_, rank) => {
      const slot = this.slot(rank, needsTsx);
      const id = this.nextId++;
      return new Promise<unknown>((resolve, reject) => {
        slot.pending = { id, resolve, reject, ...(onEvent ? { onEvent: (event: unknown) => onEvent(rank, event) } : {}) };
        const request: RunRequest = { id, module, exportName: program.exportName, descriptor, rank, data };
        slot.worker.postMessage(request);
      });
    });
    try {
      return (await allOrRootFailure(runs)) as R[];
    } catch (error) {
      // The other ranks may wait forever for the failed one: replace them all.
      await Promise.all(Array.from({ length: size }, (_, rank) => this.discard(rank)));
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((_, rank) => this.discard(rank)));
  }

  private slot(rank: number, needsTsx: boolean): Slot {
    const existing = this.slots[rank];
    if (existing && (existing.tsx || !needsTsx)) return existing;
    if (existing) void this.discard(rank);
    const worker = spawnRankWorker(needsTsx);
    const slot: Slot = { worker, tsx: needsTsx, pending: null };
    const fail = (error: Error): void => {
      const pending = slot.pending;
      slot.pending = null;
      if (this.slots[rank] === slot) this.slots[rank] = null;
      pending?.reject(new LoomError(`rank ${rank} thread failed: ${error.message}`, { cause: error }));
    };
    worker.on('message', (reply: RunReply) => {
      const pending = slot.pending;
      if (!pending || pending.id !== reply.id) return;
      if ('event' in reply) {
        pending.onEvent?.(reply.event);
        return;
      }
      slot.pending = null;
      if (reply.ok) pending.resolve(reply.value);
      else {
        const cause = Object.assign(new Error(reply.error.message), { name: reply.error.name, stack: reply.error.stack });
        const Failure = reply.error.peerGone ? PeerGoneError : LoomError;
        pending.reject(new Failure(`rank ${rank} failed: ${reply.error.message}`, { cause }));
      }
    });
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`worker exited with code ${code}`)));
    this.slots[rank] = slot;
    return slot;
  }

  private async discard(rank: number): Promise<void> {
    const slot = this.slots[rank];
    if (!slot) return;
    this.slots[rank] = null;
    await slot.worker.terminate();
  }
}

function spawnRankWorker(needsTsx: boolean): Worker {
  // worker-main has this file's own extension: .ts next to the sources, .js in dist/.
  return startModuleWorker(siblingModule(import.meta.url, './worker-main'), needsTsx);
}

/** One-shot: start `size` rank threads, run `program`, stop them. */
export async function runOnThreads<R>(size: number, program: ProgramRef, data: unknown, world?: ThreadsWorldOptions): Promise<R[]> {
  const pool = ThreadPool.create();
  try {
    return await pool.run<R>(size, program, data, world);
  } finally {
    await pool.close();
  }
}
