/**
 * bench:gemm-wasm — the wasm kernels Loom registers, next to what they replace, in one run:
 * matMul GFLOP/s without / with transposes and batched (TensorFlow.js's own wasm kernel vs Loom's), the
 * convolution gradients of LeNet-5 at batch 128 (the cpu backend, the wasm backend's own
 * kernel where it has one, Loom's), and max-pool's gradient.
 *
 * "cached b": the same operand tensors every call, so XNNPACK reuses its packing of b (inference).
 * "fresh b": new operand tensors every call, as in training where weights change every step.
 *
 * Usage: tsx bench/gemm-wasm.ts [--seconds 0.5]
 */
import { parseArgs } from 'node:util';
import { tfWasm } from '../src/compute/tf.js';
import { registerWasmKernels, tf } from '../src/compute/index.js';
import { finish, printTable } from './lib/report.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '0.5' } } });
const seconds = Number(values.seconds);

/** Best-of-5 mean time (ms) of `fn` over ~`seconds`/5 each; at least one call per round. */
function timeMs(fn: () => void, budget = seconds): number {
  fn();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    let calls = 0;
    const start = performance.now();
    do {
      fn();
      calls++;
    } while (performance.now() - start < (budget * 1000) / 5);
    best = Math.min(best, (performance.now() - start) / calls);
  }
  return best;
}

const FLAGS: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
const SHAPES: [number, number, number][] = [[128, 784, 256], [512, 784, 256]];

interface MatMulRow { shape: string; flags: string; kernel: string; cachedGflops: number; freshGflops: number }

function benchMatMul(kernel: string): MatMulRow[] {
  const rows: MatMulRow[] = [];
  for (const [M, K, N] of SHAPES) {
    for (const [tA, tB] of FLAGS) {
      const a = tf.randomNormal(tA ? [K, M] : [M, K]);
      const b = tf.randomNormal(tB ? [N, K] : [K, N]);
      const flops = 2 * M * K * N;
      const cached = timeMs(() => tf.matMul(a, b, tA, tB).dispose());
      const fresh = timeMs(() => {
        const [a2, b2] = [tf.clone(a), tf.clone(b)];
        tf.matMul(a2, b2, tA, tB).dispose();
        tf.dispose([a2, b2]);
      });
      tf.dispose([a, b]);
      const flags = `${tA ? 'tA' : ''}${tB ? 'tB' : ''}` || 'nn';
      rows.push({ shape: `${M}x${K}x${N}`, flags, kernel, cachedGflops: flops / cached / 1e6, freshGflops: flops / fresh / 1e6 });
    }
  }
  return rows;
}

/** Batched products of attention (batch x heads slices): scores q k^T, then weights x v. */
const BATCHED: { batch: number; M: number; K: number; N: number; tB: boolean }[] = [
  { batch: 128, M: 32, K: 16, N: 32, tB: true },
  { batch: 128, M: 32, K: 32, N: 16, tB: false },
  { batch: 8, M: 128, K: 64, N: 128, tB: true },
];

function benchBatched(): number[] {
  return BATCHED.map(({ batch, M, K, N, tB }) => {
    const a = tf.randomNormal([batch, M, K]);
    const b = tf.randomNormal(tB ? [batch, N, K] : [batch, K, N]);
    const ms = timeMs(() => tf.matMul(a, b, false, tB).dispose());
    tf.dispose([a, b]);
    return (2 * batch * M * K * N) / ms / 1e6;
  });
}

type Conv = { name: string; x: [number, number, number, number]; filter: [number, number, number, number]; pad: 'same' | 'valid' };
const CONVS: Conv[] = [
  { name: 'LeNet conv1 28x28x1 -> 5x5x6 same', x: [128, 28, 28, 1], filter: [5, 5, 1, 6], pad: 'same' },
  { name: 'LeNet conv2 14x14x6 -> 5x5x16 valid', x: [128, 14, 14, 6], filter: [5, 5, 6, 16], pad: 'valid' },
];

function convKernels(c: Conv, budget: number): { filterGrad: number; inputGrad: number; maxPoolGrad: number } {
  const dyShape = tf.backend_util.computeConv2DInfo(c.x, c.filter, 1, 1, c.pad).outShape;
  const x = tf.randomNormal(c.x);
  const dy = tf.randomNormal(dyShape);
  const w = tf.randomNormal(c.filter);
  const attrs = { strides: 1, pad: c.pad, dataFormat: 'NHWC' };
  const run = (name: string, inputs: tf.NamedTensorMap, extra: object) => () =>
    (tf.engine().runKernel(name, inputs, { ...attrs, ...extra }) as tf.Tensor).dispose();
  const filterGrad = tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) === undefined
    ? NaN
    : timeMs(run('Conv2DBackpropFilter', { x, dy }, { filterShape: c.filter }), budget);
  const inputGrad = timeMs(run('Conv2DBackpropInput', { dy, filter: w }, { inputShape: c.x }), budget);
  const pooled = tf.maxPool(dy as tf.Tensor4D, 2, 2, 'valid');
  const maxPoolGrad = timeMs(run('MaxPoolGrad', { dy: tf.onesLike(pooled), input: dy, output: pooled }, { filterSize: 2, strides: 2, pad: 'valid' }), budget);
  tf.dispose([x, dy, w, pooled]);
  return { filterGrad, inputGrad, maxPoolGrad };
}

async function main(): Promise<void> {
  // 1. TensorFlow.js's own kernels: wasm before Loom registers anything, and cpu.
  await tf.setBackend('cpu');
  const cpuConv = CONVS.map((c) => convKernels(c, 0.1)); // seconds per call on cpu: one call per round
  await tf.setBackend('wasm');
  const threads = tfWasm.getThreadsCount();
  const tfjsMatMul = benchMatMul('tfjs');
  const tfjsBatched = benchBatched();
  const tfjsConv = CONVS.map((c) => convKernels(c, seconds));

  // 2. Loom's kernels.
  registerWasmKernels();
  await tf.setBackend('wasm'); // runs the kernels' setup functions
  const loomMatMul = benchMatMul('loom');
  const loomBatched = benchBatched();
  const loomConv = CONVS.map((c) => convKernels(c, seconds));

  process.stdout.write(`matMul on wasm (${threads} thread${threads === 1 ? '' : 's'}), GFLOP/s\n`);
  printTable(
    ['shape', 'flags', 'tfjs cached b', 'tfjs fresh b', 'loom cached b', 'loom fresh b'],
    tfjsMatMul.map((r, i) => [r.shape, r.flags, r.cachedGflops, r.freshGflops, loomMatMul[i]!.cachedGflops, loomMatMul[i]!.freshGflops]),
  );
  process.stdout.write('\nbatched matMul (attention), GFLOP/s\n');
  printTable(
    ['batch', 'slice MxKxN', 'flags', 'tfjs', 'loom'],
    BATCHED.map((c, i) => [c.batch, `${c.M}x${c.K}x${c.N}`, c.tB ? 'tB' : 'nn', tfjsBatched[i]!, loomBatched[i]!]),
  );
  process.stdout.write('\nLeNet-5 gradients at batch 128, ms per call\n');
  const convRows: (string | number)[][] = [];
  CONVS.forEach((c, i) => {
    convRows.push([c.name, 'Conv2DBackpropFilter', cpuConv[i]!.filterGrad, tfjsConv[i]!.filterGrad, loomConv[i]!.filterGrad]);
    convRows.push([c.name, 'Conv2DBackpropInput', cpuConv[i]!.inputGrad, tfjsConv[i]!.inputGrad, loomConv[i]!.inputGrad]);
    convRows.push([c.name, 'MaxPoolGrad 2x2 of its output', cpuConv[i]!.maxPoolGrad, tfjsConv[i]!.maxPoolGrad, loomConv[i]!.maxPoolGrad]);
  });
  printTable(['layer', 'kernel', 'cpu', 'tfjs wasm', 'loom wasm'], convRows.map((r) => r.map((v) => (typeof v === 'number' && Number.isNaN(v) ? 'missing' : v))));

  const gflops = (rows: MatMulRow[], shape: string, flags: string): number => rows.find((r) => r.shape === shape && r.flags === flags)!.freshGflops;
  finish(
    'gemm-wasm',
    {
      threads,
      loomFreshGflops: Object.fromEntries(SHAPES.flatMap(([M, K, N]) => FLAGS.map(([a, b]) => {
        const flags = `${a ? 'tA' : ''}${b ? 'tB' : ''}` || 'nn';
        return [`${M}x${K}x${N} ${flags}`, Number(gflops(loomMatMul, `${M}x${K}x${N}`, flags).toFixed(1))];
      }))),
      lenetFilterGradMs: { cpu: cpuConv.map((c) => Number(c.filterGrad.toFixed(1))), loom: loomConv.map((c) => Number(c.filterGrad.toFixed(2))) },
    },
    { tfjsMatMul, loomMatMul, batched: { shapes: BATCHED, tfjsGflops: tfjsBatched, loomGflops: loomBatched }, cpuConv, tfjsConv, loomConv },
  );
}

await main();
