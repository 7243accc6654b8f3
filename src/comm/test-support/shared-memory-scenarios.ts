/**
 * Rank programs for the shared-memory all-reduce's own tests (allreduce/shared-memory.test.ts), run
 * on threads-transport worlds: concurrent collectives, traffic counts, and the failures (ranks that
 * pass different lengths or call collectives in different orders, a rank that never joins, a rank
 * that closes its transport).
 */
import { isPeerGone } from '../../util/errors.js';
import { Communicator } from '../communicator.js';
import type { Transport } from '../transport.js';

/** The error `work` fails with; the rank then stays up a while, so that its peers see this failure and not its transport closing. */
async function failure(work: Promise<unknown>): Promise<string> {
  let outcome = 'resolved';
  try {
    await work;
  } catch (error) {
    outcome = `${isPeerGone(error) ? 'peer gone: ' : ''}${(error as Error).message}`;
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  return outcome;
}

/** Three all-reduces in flight at once, of sizes that cross several slots; returns whether each sum is exact, and the bytes counted. */
export async function concurrentSums(transport: Transport, run: { counts: number[] }): Promise<{ exact: boolean[]; bytesSent: number; bytesReceived: number }> {
  const comm = new Communicator(transport, { timeoutMs: 20_000 });
  const { rank, size } = comm;
  const bufs = run.counts.map((n, k) => Float32Array.from({ length: n }, (_, i) => ((i * 7 + k + rank) % 13) - 6));
  await Promise.all(bufs.map((buf, k) => comm.allReduce(buf, { algorithm: 'shared-memory', op: k === 1 ? 'mean' : 'sum' })));
  const exact = bufs.map((buf, k) => {
    for (let i = 0; i < buf.length; i++) {
      let sum = 0;
      for (let r = 0; r < size; r++) sum += ((i * 7 + k + r) % 13) - 6;
      if (buf[i] !== (k === 1 ? Math.fround(sum / size) : sum)) return false;
    }
    return true;
  });
  const { bytesSent, bytesReceived } = comm.stats.snapshot();
  return { exact, bytesSent, bytesReceived };
}

/** Rank r passes 100 + r elements. */
export async function differentLengths(transport: Transport): Promise<string> {
  const comm = new Communicator(transport, { timeoutMs: 2_000 });
  return failure(comm.allReduce(new Float32Array(100 + comm.rank), { algorithm: 'shared-memory' }));
}

/** Rank 0 runs one more collective first (an empty one, which touches no memory): the next collective tags differ. */
export async function differentOrder(transport: Transport): Promise<string> {
  const comm = new Communicator(transport, { timeoutMs: 2_000 });
  if (comm.rank === 0) await comm.allReduce(new Float32Array(0), { algorithm: 'shared-memory' });
  return failure(comm.allReduce(new Float32Array(8), { algorithm: 'shared-memory' }));
}

/** The last rank never joins; the others time out after `timeoutMs`. */
export async function neverJoins(transport: Transport, run: { timeoutMs: number }): Promise<string> {
  const comm = new Communicator(transport, { timeoutMs: 60_000 });
  if (comm.rank === comm.size - 1) {
    await new Promise((resolve) => setTimeout(resolve, run.timeoutMs * 3));
    return '';
  }
  return failure(comm.allReduce(new Float32Array(64), { algorithm: 'shared-memory', timeoutMs: run.timeoutMs }));
}

/** The last rank closes its transport; the others fail as a consequence, well before their timeout. */
export async function peerCloses(transport: Transport): Promise<string> {
  const comm = new Communicator(transport, { timeoutMs: 20_000 });
  if (comm.rank === comm.size - 1) {
    await transport.close();
    return '';
  }
  return failure(comm.allReduce(new Float32Array(64), { algorithm: 'shared-memory' }));
}
