/**
 * bench:gemm — GFLOP/s of Loom's native SGEMM (native/, on one ArrayBuffer as it would run on the
 * wasm heap) next to numpy/OpenBLAS on one thread, in the same run: square sizes 64..2048 and the
 * shapes of a dense layer's forward and backward passes (M x K x N; tA / tB: transposed operand).
 *
 * The machine may be shared and noisy: Loom and numpy rounds alternate and each figure is the
 * median over rounds of the GFLOP/s of a ~`seconds` burst of calls. Every row is also shown as a
 * fraction of the core's own peak, measured once at the start (src/compute/peak.ts: independent FMA
 * chains at the widest vector width the CPU has, whatever `--kernel` the rows use).
 *
 * Usage: tsx bench/gemm.ts [--rounds 5] [--seconds 0.15] [--peak-seconds 0.75] [--kernel avx512f|avx2-fma|portable]
 * Last line: {"bench":"gemm","vs_openblas_512":R1,"vs_openblas_1024":R2,...,"peak_gflops":P,"peer_blas":"Cooperlake (...)"}
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measurePeakGflops } from '../src/compute/peak.js';
import { nativeKernels, nativeStatus, type NativeKernelName, type NativeKernels } from '../src/native/index.js';
import { checkPeerAvailable, peerBlas, runPeer } from './lib/peer.js';
import { finish, median, printTable, round3 } from './lib/report.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '0.15' },
    'peak-seconds': { type: 'string', default: '0.75' },
    kernel: { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const peakSeconds = Number(values['peak-seconds']);

interface Shape {
  readonly name: string;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly transA: boolean;
  readonly transB: boolean;
}

const square = (s: number): Shape => ({ name: `${s}`, m: s, k: s, n: s, transA: false, transB: false });
const SHAPES: Shape[] = [
  ...[64, 128, 256, 512, 1024, 2048].map(square),
  { name: '128x784x256', m: 128, k: 784, n: 256, transA: false, transB: false },
  { name: '128x784x256 tA', m: 128, k: 784, n: 256, transA: true, transB: false },
  { name: '128x784x256 tB', m: 128, k: 784, n: 256, transA: false, transB: true },
  { name: '512x784x256', m: 512, k: 784, n: 256, transA: false, transB: false },
];
const flops = (s: Shape) => 2 * s.m * s.n * s.k;

/** One operand set per shape in one ArrayBuffer, at byte offsets, as on the wasm heap. */
function prepare(native: NativeKernels, s: Shape): () => void {
  const aFloats = s.m * s.k;
  const bFloats = s.k * s.n;
  const cFloats = s.m * s.n;
  const memory = new ArrayBuffer((aFloats + bFloats + cFloats + 48) * 4);
  const f32 = new Float32Array(memory);
  for (let i = 0; i < f32.length; i++) f32[i] = Math.random() * 2 - 1;
  const a = 64;
  const b = a + aFloats * 4 + 64;
  const c = b + bFloats * 4 + 64;
  return () => native.sgemm({ memory, a, b, c, m: s.m, n: s.n, k: s.k, transA: s.transA, transB: s.transB });
}

/** GFLOP/s of a burst of calls lasting about `seconds` (after one warm-up call). */
function burst(fn: () => void, work: number): number {
  fn();
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    fn();
    calls++;
    elapsed = performance.now() - start;
  } while (elapsed < seconds * 1000);
  return (work * calls) / (elapsed / 1000) / 1e9;
}

/** The numpy peer (bench/gemm_numpy.py: one thread, at full BLAS speed through fast_blas.py). */
const NUMPY_PEER = fileURLToPath(new URL('./gemm_numpy.py', import.meta.url));

function numpyRound(): { numpy: string; gflops: Record<string, number> } {
  const [result] = runPeer<{ numpy: string; gflops: Record<string, number> }>(NUMPY_PEER, [JSON.stringify(SHAPES), String(seconds)]);
  if (!result) throw new Error('numpy peer printed no JSON line');
  return result;
}

function main(): void {
  const native = nativeKernels();
  if (native === null) {
    process.stderr.write(`bench:gemm needs the native kernels: ${nativeStatus().reason}\n`);
    process.exit(1);
  }
  try {
    checkPeerAvailable('fast_blas.py', 'numpy');
  } catch (error) {
    process.stderr.write(`bench:gemm: ${(error as Error).message}\n`);
    process.exit(1);
  }
  // Once, before --kernel applies: the peak is the core's (its widest FMA), not the chosen kernel's.
  const peak = measurePeakGflops(peakSeconds);
  const peakGflops = peak.gflops;
  if (values.kernel) native.setKernel(values.kernel as NativeKernelName);
  const calls = SHAPES.map((s) => prepare(native, s));
  const loom: number[][] = SHAPES.map(() => []);
  const blas: number[][] = SHAPES.map(() => []);
  let numpyVersion = '';
  for (let round = 0; round < rounds; round++) {
    SHAPES.forEach((s, i) => loom[i].push(burst(calls[i], flops(s))));
    const peer = numpyRound();
    numpyVersion = peer.numpy;
    SHAPES.forEach((s, i) => blas[i].push(peer.gflops[s.name]));
    process.stderr.write(`round ${round + 1}/${rounds} done\n`);
  }
  const rows = SHAPES.map((s, i) => {
    const l = median(loom[i]);
    const o = median(blas[i]);
    const loomOfPeak = peakGflops === null ? null : l / peakGflops;
    const openblasOfPeak = peakGflops === null ? null : o / peakGflops;
    return { shape: s.name, loomGflops: l, openblasGflops: o, ratio: l / o, loomOfPeak, openblasOfPeak, loomRounds: loom[i], openblasRounds: blas[i] };
  });
  const peerName = `OpenBLAS ${peerBlas() ?? '(kernel not reported)'}`;
  process.stdout.write(
    `native SGEMM (${native.kernel}: ${native.simd}) vs numpy ${numpyVersion} / ${peerName}, one thread; ` +
      `median of ${rounds} alternating rounds\n` +
      (peak.gflops === null
        ? `peak: not measured (${peak.reason})\n\n`
        : `peak: ${peak.gflops.toFixed(1)} GFLOP/s (${peak.kernel} FMA chains on this core, best of ${peak.bursts} bursts in ${peakSeconds} s); ` +
          `"of peak" = GFLOP/s / peak\n\n`),
  );
  const fraction = (x: number | null) => (x === null ? 'n/a' : x);
  printTable(
    ['shape (MxKxN)', 'loom GFLOP/s', 'OpenBLAS GFLOP/s', 'ratio', 'loom of peak', 'OpenBLAS of peak'],
    rows.map((r) => [r.shape, r.loomGflops, r.openblasGflops, r.ratio, fraction(r.loomOfPeak), fraction(r.openblasOfPeak)]),
    { peer: true },
  );
  const ratio = (name: string) => round3(rows.find((r) => r.shape === name)?.ratio ?? Number.NaN);
  const summary = {
    bench: 'gemm',
    vs_openblas_512: ratio('512'),
    vs_openblas_1024: ratio('1024'),
    vs_openblas_2048: ratio('2048'),
    vs_openblas_128x784x256: ratio('128x784x256'),
    vs_openblas_128x784x256_tA: ratio('128x784x256 tA'),
    vs_openblas_128x784x256_tB: ratio('128x784x256 tB'),
    vs_openblas_512x784x256: ratio('512x784x256'),
    peak_gflops: peakGflops === null ? null : Math.round(peakGflops * 10) / 10,
    kernel: native.kernel,
  };
  finish('gemm', summary, { kernel: native.kernel, simd: native.simd, numpy: numpyVersion, peer: peerName, rounds, seconds, peak, rows });
}

main();
