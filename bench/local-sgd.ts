/**
 * bench:local-sgd — post-local SGD on Fashion-MNIST (MLP 784-256-256-10, global batch 256 over 2
 * workers in `threads` mode, SGD lr 0.05 momentum 0.9, synchronous for the first epoch, then
 * H = 8 local steps between model averages), next to PyTorch's post-local SGD
 * (torch.distributed.algorithms: DDP with post_localSGD_hook and PeriodicModelAverager, gloo,
 * 2 processes; bench/local_sgd_torch.py) on the same data, batches, schedule and epochs, in the
 * same run. Rounds alternate Loom and the peer; medians of training samples/s are compared, and
 * the test accuracy of the averaged model at the end is reported for both.
 *
 * Needs Debian's dataset-fashion-mnist (or --data DIR with the four IDX files).
 * Usage: npm run bench:local-sgd [-- --rounds 3 --epochs 3 --period 8]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { validateConfig } from '../src/config/load.js';
import { trainOnThreads } from '../src/parallel/index.js';
import { MetricsStream, type StepRecord } from '../src/train/metrics.js';
import { checkPeerAvailable, runPeer } from './lib/peer.js';
import { finish, median, printTable, round3 } from './lib/report.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    epochs: { type: 'string', default: '3' },
    period: { type: 'string', default: '8' },
    batch: { type: 'string', default: '256' },
    data: { type: 'string', default: '/usr/share/datasets/fashion-mnist' },
  },
});
const rounds = Number(values.rounds);
const epochs = Number(values.epochs);
const period = Number(values.period);
const batch = Number(values.batch);
const dataDir = values.data;
const WORKERS = 2;
const TRAIN_SIZE = 60_000;
const switchStep = Math.floor(TRAIN_SIZE / batch); // one epoch synchronous
/** Steps before timing starts (the peer times after the same number). */
const WARMUP_STEPS = 20;

async function loomRun(): Promise<{ samplesPerSec: number; accuracy: number }> {
  const config = validateConfig({
    seed: 1,
    backend: 'wasm',
    data: { name: 'fashion-mnist', dir: dataDir },
    model: { type: 'mlp', hidden: [256, 256] },
    optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 },
    train: { epochs, batchSize: batch, logEvery: 1_000_000, evalEvery: 1_000_000 },
    distributed: { workers: WORKERS, mode: 'threads' },
    strategy: { type: 'local-sgd', period, switchStep },
  });
  const metrics = new MetricsStream();
  const marks: StepRecord[] = [];
  let last: StepRecord | null = null;
  metrics.on('step', (r) => {
    if (r.step === WARMUP_STEPS) marks.push(r);
    last = r;
  });
  const results = await trainOnThreads({ config, metrics });
  const end = last as StepRecord | null;
  if (!end || marks.length === 0) throw new Error('the Loom run published no step records');
  return { samplesPerSec: ((end.step - WARMUP_STEPS) * batch) / (end.elapsedSec - marks[0]!.elapsedSec), accuracy: results[0]!.evaluation!.accuracy };
}

async function main(): Promise<void> {
  if (!['train-images-idx3-ubyte.gz', 't10k-images-idx3-ubyte.gz'].every((f) => existsSync(join(dataDir, f)))) {
    throw new Error(`Fashion-MNIST not found in ${dataDir}: apt-get install dataset-fashion-mnist, or pass --data DIR`);
  }
  checkPeerAvailable('fast_blas.py', 'torch');
  const peerScript = fileURLToPath(new URL('./local_sgd_torch.py', import.meta.url));
  const loom: { samplesPerSec: number; accuracy: number }[] = [];
  const torch: { samples_per_s: number; test_acc: number }[] = [];
  for (let r = 0; r < rounds; r++) {
    loom.push(await loomRun());
    const args = ['--data', dataDir, '--epochs', String(epochs), '--batch', String(batch), '--period', String(period), '--switch', String(switchStep), '--lr', '0.05', '--momentum', '0.9'];
    torch.push(runPeer<{ samples_per_s: number; test_acc: number }>(peerScript, args)[0]!);
    process.stdout.write(`round ${r + 1}: loom ${Math.round(loom[r]!.samplesPerSec)} samples/s, acc ${loom[r]!.accuracy.toFixed(4)}; torch ${Math.round(torch[r]!.samples_per_s)} samples/s, acc ${torch[r]!.test_acc.toFixed(4)}\n`);
  }
  const loomRate = median(loom.map((x) => x.samplesPerSec));
  const torchRate = median(torch.map((x) => x.samples_per_s));
  const loomAcc = median(loom.map((x) => x.accuracy));
  const torchAcc = median(torch.map((x) => x.test_acc));
  process.stdout.write(
    `bench:local-sgd — post-local SGD, ${WORKERS} workers, global batch ${batch}, H = ${period} after step ${switchStep}, ${epochs} epochs, median of ${rounds} rounds\n`,
  );
  printTable(
    ['system', 'samples/s', 'test accuracy'],
    [
      ['loom local-sgd (threads)', loomRate, loomAcc],
      ['pytorch post-local SGD (gloo, 2 procs)', torchRate, torchAcc],
    ],
    { peer: true },
  );
  finish('local-sgd', { bench: 'local-sgd', samples_per_s_ratio: round3(loomRate / torchRate), loom_acc: round3(loomAcc), torch_acc: round3(torchAcc) }, { loom, torch, epochs, period, switchStep, batch });
}

await main();
