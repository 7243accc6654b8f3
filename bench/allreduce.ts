/**
 * bench allreduce — all-reduce bandwidth of Loom's threads and TCP transports, world 2, next to
 * PyTorch's gloo (../shared/peers/torch_allreduce.py: separate processes over loopback TCP) in
 * the same run. nccl-tests definitions: algbw = bytes / time, busbw = algbw * 2(n-1)/n.
 * Loom's TCP ranks are worker threads of one process connected by real loopback sockets. With
 * `--algorithm auto` (the default) the threads ranks run the shared-memory all-reduce and TCP the
 * cost model's pick; the threads ranks also run the ring over their message rings, for comparison.
 *
 * Usage: npx tsx bench/allreduce.ts [--world 2] [--algorithm auto] [--min-seconds 0.5]
 *          [--sizes 4096,...,67108864] [--rounds 1] [--no-peer]
 */
import { parseArgs } from 'node:util';
import { ThreadPool, type AllReduceAlgorithm, type AllReduceTiming } from '../src/comm/index.js';
import { checkPeerAvailable, runPeer } from './lib/peer.js';
import { finish, median, printTable, round3 } from './lib/report.js';

const { values } = parseArgs({
  options: {
    world: { type: 'string', default: '2' },
    algorithm: { type: 'string', default: 'auto' },
    'min-seconds': { type: 'string', default: '0.5' },
    sizes: { type: 'string', default: [4, 16, 64, 256, 1024, 4096, 16384, 65536].map((k) => k * 1024).join(',') },
    rounds: { type: 'string', default: '1' },
    'no-peer': { type: 'boolean', default: false },
  },
});
const world = Number(values.world);
const sizes = values.sizes.split(',').map(Number);
const rounds = Number(values.rounds);
const timing = { sizes, algorithm: values.algorithm as AllReduceAlgorithm | 'auto', minSeconds: Number(values['min-seconds']) };
const PROGRAM = new URL('../src/comm/allreduce-timing.ts', import.meta.url);

interface PeerRow {
  bytes: number;
  busbw_GBps: number;
  algbw_GBps: number;
}

async function loomRows(pool: ThreadPool, exportName: 'timeAllReduce' | 'timeAllReduceOverTcp', algorithm = timing.algorithm): Promise<AllReduceTiming[]> {
  const perRank = await pool.run<AllReduceTiming[]>(world, { module: PROGRAM, exportName }, { ...timing, algorithm });
  return perRank[0];
}

function peerRows(): PeerRow[] | null {
  if (values['no-peer']) return null;
  try {
    checkPeerAvailable('torch_allreduce.py', 'torch');
  } catch (error) {
    process.stdout.write(`peer skipped: ${(error as Error).message}\n`);
    return null;
  }
  return runPeer<PeerRow>('torch_allreduce.py', ['--world', String(world), '--sizes', sizes.join(','), '--iters', '20']);
}

async function main(): Promise<void> {
  const pool = ThreadPool.create();
  const samples = { threads: [] as AllReduceTiming[][], threadsRing: [] as AllReduceTiming[][], tcp: [] as AllReduceTiming[][], gloo: [] as PeerRow[][] };
  try {
    // Rounds alternate Loom and the peer so that drifting machine load hits both; medians are compared.
    for (let round = 0; round < rounds; round++) {
      samples.threads.push(await loomRows(pool, 'timeAllReduce'));
      samples.threadsRing.push(await loomRows(pool, 'timeAllReduce', 'ring'));
      samples.tcp.push(await loomRows(pool, 'timeAllReduceOverTcp'));
      const peer = peerRows();
      if (peer) samples.gloo.push(peer);
    }
  } finally {
    await pool.close();
  }
  const busbw = (rows: { bytes: number; busbw: number }[][], bytes: number): number =>
    rows.length === 0 ? NaN : median(rows.map((r) => r.find((x) => x.bytes === bytes)?.busbw ?? NaN));
  const loom = (key: 'threads' | 'threadsRing' | 'tcp') => samples[key].map((r) => r.map((x) => ({ bytes: x.bytes, busbw: x.busbwGBps })));
  const gloo = samples.gloo.map((r) => r.map((x) => ({ bytes: x.bytes, busbw: x.busbw_GBps })));
  const table = sizes.map((bytes) => {
    const threads = busbw(loom('threads'), bytes);
    const ring = busbw(loom('threadsRing'), bytes);
    const tcp = busbw(loom('tcp'), bytes);
    const peer = busbw(gloo, bytes);
    const us = median(samples.threads.map((r) => (r.find((x) => x.bytes === bytes)?.seconds ?? NaN) * 1e6));
    return { bytes, us, threads, ring, tcp, peer };
  });
  const fmt = (x: number): string | number => (Number.isNaN(x) ? '-' : x);
  const ran = (rows: AllReduceTiming[][]): string => [...new Set(rows.flat().map((r) => r.algorithm))].join('/');
  process.stdout.write(`threads: ${ran(samples.threads)}; threads ring: ring; tcp: ${ran(samples.tcp)}\n`);
  printTable(
    ['bytes', 'threads us', 'threads busbw GB/s', 'threads ring busbw', 'tcp busbw GB/s', 'gloo busbw GB/s', 'threads/gloo', 'tcp/gloo'],
    table.map((r) => [r.bytes, Math.round(r.us), r.threads, r.ring, r.tcp, fmt(r.peer), fmt(r.threads / r.peer), fmt(r.tcp / r.peer)]),
    { peer: samples.gloo.length > 0 },
  );
  const at16 = table.find((r) => r.bytes === 16 * 1024 * 1024);
  finish(
    'allreduce',
    {
      bench: 'allreduce',
      threads_vs_gloo_16MB: at16 ? round3(at16.threads / at16.peer) : null,
      tcp_vs_gloo_16MB: at16 ? round3(at16.tcp / at16.peer) : null,
      threads_busbw_16MB_GBps: at16 ? round3(at16.threads) : null,
      threads_ring_busbw_16MB_GBps: at16 ? round3(at16.ring) : null,
      tcp_busbw_16MB_GBps: at16 ? round3(at16.tcp) : null,
      gloo_busbw_16MB_GBps: at16 ? round3(at16.peer) : null,
      world,
      algorithm: timing.algorithm,
    },
    { sizes, samples },
  );
}

await main();
