/** Messages between ThreadPool (main thread) and worker-main (each rank thread). */
import type { Transport } from '../../transport.js';
import type { ThreadsTransportDescriptor } from './descriptor.js';

/**
 * What a rank thread runs: an exported async function of its transport and the run's data.
 * `emit` posts a structured-cloneable event (e.g. a metrics record) to the pool's `onEvent`.
 */
export type ThreadProgram<D, R> = (transport: Transport, data: D, emit: (event: unknown) => void) => Promise<R>;

export interface RunRequest {
  id: number;
  module: string;
  exportName: string;
  descriptor: ThreadsTransportDescriptor;
  rank: number;
  data: unknown;
}

export type RunReply =
  | { id: number; event: unknown }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; message: string; stack: string; peerGone: boolean } };
