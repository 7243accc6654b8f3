/**
 * Entry of every rank thread started by ThreadPool. It waits for 'run' messages, attaches the
 * threads transport from the descriptor, calls the named export of the program module with
 * (transport, data), closes the transport and posts the result back. The worker stays up for
 * the next run until the pool terminates it.
 */
import { parentPort } from 'node:worker_threads';
import { isPeerGone } from '../../../util/errors.js';
import { attachThreadsTransport } from './threads-transport.js';
import type { RunRequest, RunReply, ThreadProgram } from './pool-protocol.js';

const port = parentPort;
if (!port) throw new Error('worker-main.ts must run inside a worker thread started by ThreadPool');

port.on('message', (request: RunRequest) => {
  void runOne(request).then((reply) => port.postMessage(reply));
});

async function runOne(request: RunRequest): Promise<RunReply> {
  const transport = attachThreadsTransport(request.descriptor, request.rank);
  try {
    const module = (await import(request.module)) as Record<string, unknown>;
    const program = module[request.exportName];
    if (typeof program !== 'function') throw new Error(`${request.module} has no exported function ${request.exportName}`);
    const emit = (event: unknown): void => port!.postMessage({ id: request.id, event } satisfies RunReply);
    const value = await (program as ThreadProgram<unknown, unknown>)(transport, request.data, emit);
    return { id: request.id, ok: true, value };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    // peerGone: the failure only followed another rank's (the pool then reports that one).
    return { id: request.id, ok: false, error: { name: e.name, message: e.message, stack: e.stack ?? '', peerGone: isPeerGone(e) } };
  } finally {
    await transport.close();
  }
}
