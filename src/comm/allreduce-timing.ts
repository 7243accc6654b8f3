/**
 * Rank programs that time all-reduce (used by bench/allreduce.ts; run inside the rank threads
 * of a ThreadPool). Reported with the nccl-tests definitions: algbw = bytes / time,
 * busbw = algbw * 2(n-1)/n.
 */
import { Communicator } from './communicator.js';
import type { AllReduceAlgorithm } from './options.js';
import { listenTcp } from './transports/tcp/listener.js';
import { connectTcpTransport, type TcpTransportOptions } from './transports/tcp/tcp-transport.js';
import type { Transport } from './transport.js';

export interface AllReduceTimingOptions {
  /** Message sizes in bytes (multiples of 4). */
  sizes: readonly number[];
  algorithm?: AllReduceAlgorithm | 'auto';
  /** Time each size for at least this long (default 0.5 s) ... */
  minSeconds?: number;
  /** ... but at least this many iterations (default 5) and at most maxIterations (default 2000). */
  minIterations?: number;
  maxIterations?: number;
  /** TCP only: frame sizes (see TcpTransportOptions). */
  tcp?: Pick<TcpTransportOptions, 'fragmentBytes' | 'maxFrameBytes'>;
}

export interface AllReduceTiming {
  bytes: number;
  iterations: number;
  seconds: number;
  algbwGBps: number;
  busbwGBps: number;
  algorithm: AllReduceAlgorithm;
}

export async function timeAllReduce(transport: Transport, options: AllReduceTimingOptions): Promise<AllReduceTiming[]> {
  const comm = new Communicator(transport, { timeoutMs: 120_000 });
  const rows: AllReduceTiming[] = [];
  const decided = new Float32Array(1);
  // Warm the JIT on the whole path first (the first few hundred small calls run several times slower).
  const small = new Float32Array(1024);
  for (let i = 0; i < 500; i++) await comm.allReduce(small, { algorithm: options.algorithm ?? 'ring' });
  for (const bytes of options.sizes) {
    const buf = new Float32Array(bytes / 4).fill(1);
    const run = (): Promise<void> => comm.allReduce(buf, { algorithm: options.algorithm ?? 'ring' });
    for (let i = 0; i < 2; i++) await run();
    const warmStart = performance.now();
    for (let i = 0; i < 3; i++) await run();
    // Rank 0 decides the iteration count from its warm-up, so that every rank runs the same number.
    const perCall = (performance.now() - warmStart) / 3000;
    decided[0] = Math.min(options.maxIterations ?? 2000, Math.max(options.minIterations ?? 5, Math.ceil((options.minSeconds ?? 0.5) / perCall)));
    await comm.broadcast(decided, 0);
    const iterations = decided[0];
    await comm.barrier();
    const start = performance.now();
    for (let i = 0; i < iterations; i++) await run();
    const seconds = (performance.now() - start) / 1000 / iterations;
    const algbw = bytes / seconds / 1e9;
    rows.push({
      bytes,
      iterations,
      seconds,
      algbwGBps: algbw,
      busbwGBps: (algbw * 2 * (comm.size - 1)) / comm.size,
      algorithm: options.algorithm === 'auto' || options.algorithm === undefined ? comm.chooseAllReduceAlgorithm(bytes) : options.algorithm,
    });
  }
  return rows;
}

/**
 * The same over TCP: the ranks (threads of a ThreadPool) swap their listening ports over the
 * threads transport they were given, connect a loopback TCP mesh, and time over it.
 */
export async function timeAllReduceOverTcp(threads: Transport, options: AllReduceTimingOptions): Promise<AllReduceTiming[]> {
  const listener = await listenTcp('127.0.0.1', 0);
  const ports = new Float32Array(threads.size);
  ports[threads.rank] = Number(listener.address.split(':')[1]);
  await new Communicator(threads).allReduce(ports, { algorithm: 'tree' });
  const addresses = Array.from(ports, (port) => `127.0.0.1:${port}`);
  const tcp = await connectTcpTransport({ ...options.tcp, rank: threads.rank, addresses, listener });
  listener.close();
  try {
    return await timeAllReduce(tcp, options);
  } finally {
    await tcp.close();
  }
}
