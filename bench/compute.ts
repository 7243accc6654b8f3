/**
 * bench:compute — single-core training throughput (samples/s) of the reference MLP
 * (784-256-256-10) and the LeNet-5-style CNN at batch 128, Loom next to PyTorch
 * (../shared/peers/torch_train.py, one thread) in the same run. Rounds alternate Loom and the
 * peer so that drifting machine load hits both; the medians are compared.
 *
 * Usage: npm run bench:compute [-- --rounds 3 --seconds 3]
 */
import { parseArgs } from 'node:util';
import { initBackend } from '../src/compute/index.js';
import { nativeStatus } from '../src/native/index.js';
import { createModel, type Model } from '../src/nn/index.js';
import { createOptimizer } from '../src/optim/index.js';
import { Rng } from '../src/util/rng.js';
import { checkPeerAvailable, runPeer } from './lib/peer.js';
import { finish, median, printTable, round3 } from './lib/report.js';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '3' }, batch: { type: 'string', default: '128' } },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const batchSize = Number(values.batch);

type ModelName = 'mlp' | 'cnn';
const SPECS = { mlp: { type: 'mlp', hidden: [256, 256] }, cnn: { type: 'cnn', channels: [6, 16], hidden: [120, 84] } } as const;

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
    return [name, batchSize, loom, torch, loom / torch] as const;
  };
  process.stdout.write(
    `bench:compute — one core, batch ${batchSize}, median of ${rounds} rounds; Loom ${status.backend} ` +
      `(SIMD ${status.simd}, ${status.replacedKernels.length} Loom kernels, native ${native.active ? native.kernel : 'off'}) vs PyTorch ${torchVersion}\n`,
  );
  const mlp = row('mlp');
  const cnn = row('cnn');
  printTable(['model', 'batch', 'loom samples/s', 'pytorch samples/s', 'loom/pytorch'], [mlp, cnn], { peer: true });
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
      backend: status.backend,
      native: native.active ? native.kernel : 'off',
    },
    results,
  );
}

await main();
