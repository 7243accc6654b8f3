/**
 * bench:compute — single-core training throughput (samples/s) of the reference MLP
 * (784-256-256-10) and the LeNet-5-style CNN at batch 128, Loom next to PyTorch
 * (../shared/peers/torch_train.py, one thread) in the same run. Rounds alternate Loom and the
 * peer so that drifting machine load hits both; the medians are compared. Each side's throughput is
 * also shown in GFLOP/s, counted from the layer shapes, and Loom's as a fraction of the core's own
 * peak (src/compute/peak.ts, measured once at the start).
 *
 * Usage: npm run bench:compute [-- --rounds 3 --seconds 3 --peak-seconds 0.75]
 * Last line: {"bench":"compute","mlp_ratio":R,...,"mlp_fraction_of_peak":F,"peak_gflops":P,...}
 */
import { parseArgs } from 'node:util';
import { initBackend, measurePeakGflops } from '../src/compute/index.js';
import { nativeStatus } from '../src/native/index.js';
import { createModel, type Model } from '../src/nn/index.js';
import { createOptimizer } from '../src/optim/index.js';
import { Rng } from '../src/util/rng.js';
import { checkPeerAvailable, runPeer } from './lib/peer.js';
import { finish, median, printTable, round3 } from './lib/report.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '3' },
    batch: { type: 'string', default: '128' },
    'peak-seconds': { type: 'string', default: '0.75' },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const batchSize = Number(values.batch);
const peakSeconds = Number(values['peak-seconds']);

type ModelName = 'mlp' | 'cnn';
const SPECS = { mlp: { type: 'mlp', hidden: [256, 256] }, cnn: { type: 'cnn', channels: [6, 16], hidden: [120, 84] } } as const;

/**
 * FLOPs of one training sample: 3 x forward, and the share of that count which is the first layer's
 * input gradient (counted by the convention, computed by neither Loom nor PyTorch: the input is data).
 */
function trainingFlops(spec: (typeof SPECS)[ModelName]): { perSample: number; firstInputGrad: number } {
  const model = createModel(spec, { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
  const forward = model.layers.reduce((sum, layer) => sum + layer.forwardFlops, 0);
  const first = model.layers[0]?.forwardFlops ?? 0;
  model.dispose();
  return { perSample: 3 * forward, firstInputGrad: first / (3 * forward) };
}

function loomSamplesPerSec(model: Model): number {
  const rng = new Rng(0);
  const inputs = Float32Array.from({ length: batchSize * 784 }, () => rng.normal());
  const targets = Int32Array.from({ length: batchSize }, () => rng.int(10));
  const batch = { inputs, targets, size: batchSize };
  const grad = new Float32Array(model.params.length);
  const optimizer = createOptimizer({ type: 'sgd', momentum: 0.9 }, { length: model.params.length });
  const step = (): void => {
    model.lossAndGrad(batch, grad);
    optimizer.step(model.params, grad, 0.01);
  };
  for (let i = 0; i < 10; i++) step();
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    step();
    steps++;
  }
  return (steps * batchSize * 1000) / (performance.now() - start);
}

async function main(): Promise<void> {
  checkPeerAvailable('torch_train.py', 'torch');
  const status = await initBackend({ backend: 'wasm', threads: 1 });
  const native = nativeStatus();
  const peak = measurePeakGflops(peakSeconds);
  const work = { mlp: trainingFlops(SPECS.mlp), cnn: trainingFlops(SPECS.cnn) };
  const results: Record<ModelName, { loom: number[]; torch: number[] }> = { mlp: { loom: [], torch: [] }, cnn: { loom: [], torch: [] } };
  let torchVersion = '';
  for (const name of ['mlp', 'cnn'] as const) {
    const model = createModel(SPECS[name], { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    for (let r = 0; r < rounds; r++) {
      results[name].loom.push(loomSamplesPerSec(model));
      const steps = String(Math.max(20, Math.round((seconds * median(results[name].loom)) / batchSize)));
      const [peer] = runPeer<{ samples_per_s: number; version: string }>('torch_train.py', [
        '--model', name, '--batch', String(batchSize), '--threads', '1', '--steps', steps,
      ]);
      results[name].torch.push(peer.samples_per_s);
      torchVersion = peer.version;
    }
    model.dispose();
  }
  const row = (name: ModelName) => {
    const loom = median(results[name].loom);
    const torch = median(results[name].torch);
    const loomGflops = (loom * work[name].perSample) / 1e9;
    const torchGflops = (torch * work[name].perSample) / 1e9;
    const ofPeak = peak.gflops === null ? null : loomGflops / peak.gflops;
    return [name, batchSize, loom, torch, loom / torch, work[name].perSample / 1e6, loomGflops, torchGflops, ofPeak ?? 'n/a'] as const;
  };
  process.stdout.write(
    `bench:compute — one core, batch ${batchSize}, median of ${rounds} rounds; Loom ${status.backend} ` +
      `(SIMD ${status.simd}, ${status.replacedKernels.length} Loom kernels, native ${native.active ? native.kernel : 'off'}) vs PyTorch ${torchVersion}\n` +
      (peak.gflops === null
        ? `peak: not measured (${peak.reason})\n`
        : `peak: ${peak.gflops.toFixed(1)} GFLOP/s (${peak.kernel} FMA chains on this core, best of ${peak.bursts} bursts in ${peakSeconds} s)\n`) +
      `FLOP/sample: 3 x the forward FLOPs of the layers' matmuls and convolutions (backward = 2 x forward, as ` +
      `src/parallel/launch/run-virtual.ts counts a step; element-wise ops, loss and optimizer not counted). Neither side ` +
      `computes the first layer's input gradient: ${(100 * work.mlp.firstInputGrad).toFixed(0)}% (mlp) and ` +
      `${(100 * work.cnn.firstInputGrad).toFixed(0)}% (cnn) of that count.\n\n`,
  );
  const mlp = row('mlp');
  const cnn = row('cnn');
  printTable(
    ['model', 'batch', 'loom samples/s', 'pytorch samples/s', 'loom/pytorch', 'MFLOP/sample', 'loom GFLOP/s', 'pytorch GFLOP/s', 'loom of peak'],
    [mlp, cnn],
    { peer: true },
  );
  finish(
    'compute',
    {
      bench: 'compute',
      mlp_ratio: round3(mlp[4]),
      cnn_ratio: round3(cnn[4]),
      mlp_loom: Math.round(mlp[2]),
      mlp_torch: Math.round(mlp[3]),
      cnn_loom: Math.round(cnn[2]),
      cnn_torch: Math.round(cnn[3]),
      mlp_fraction_of_peak: peak.gflops === null ? null : round3(mlp[6] / peak.gflops),
      peak_gflops: peak.gflops === null ? null : Math.round(peak.gflops * 10) / 10,
      backend: status.backend,
      native: native.active ? native.kernel : 'off',
    },
    { ...results, flopsPerSample: { mlp: work.mlp.perSample, cnn: work.cnn.perSample }, peak },
  );
}

await main();
