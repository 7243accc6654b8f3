/**
 * bench:compress — DDP with gradient compression, 2 worker processes over TCP (procs mode), next
 * to PyTorch DDP over gloo with its own communication hooks (bench/compress_torch.py) in the same
 * run: dense, fp16 (PyTorch's fp16_compress_hook) and PowerSGD rank 2 (powerSGD_hook, error
 * feedback, warm start). MLP 784-256-256-10 or the CNN, 128 samples per worker per step. Rounds
 * alternate Loom and the peer; medians are compared. Payload floats a step are counted from the
 * tensors, as each side compresses them (they agree: PowerSGD rank 2 on the MLP sends 4,158).
 *
 * Needs the compiled CLI (procs workers run from dist/): npm run build.
 * Usage: npm run bench:compress [-- --rounds 3 --steps 300 --model mlp]
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { validateConfig } from '../src/config/load.js';
import { runDataParallel } from '../src/parallel/index.js';
import { MetricsStream, type StepRecord } from '../src/train/metrics.js';
import { checkPeerAvailable, runPeer } from './lib/peer.js';
import { BENCH_MODELS } from './lib/models.js';
import { finish, median, printTable, round3 } from './lib/report.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    steps: { type: 'string', default: '300' },
    batch: { type: 'string', default: '128' },
    model: { type: 'string', default: 'mlp' },
  },
});
const rounds = Number(values.rounds);
const steps = Number(values.steps);
const perWorker = Number(values.batch);
const model = values.model === 'cnn' ? 'cnn' : 'mlp';
const WORKERS = 2;
/** Steps before timing starts, as the peer's. */
const WARMUP_STEPS = 20;

type Method = 'dense' | 'fp16' | 'powersgd';
const COMPRESSION: Record<Method, Record<string, unknown> | null> = {
  dense: null,
  fp16: { type: 'fp16' },
  powersgd: { type: 'powersgd', rank: 2, errorFeedback: true, startStep: 2 },
};
const HOOK: Record<Method, string> = { dense: 'none', fp16: 'fp16', powersgd: 'powersgd' };

async function loomRun(method: Method): Promise<{ samplesPerSec: number; bytesPerStep: number }> {
  const compression = COMPRESSION[method];
  const config = validateConfig({
    seed: 1,
    backend: 'wasm',
    data: { name: 'fashion-mnist-subset' },
    model: BENCH_MODELS[model],
    optimizer: { type: 'sgd', lr: 0.01, momentum: 0.9 },
    train: { steps: WARMUP_STEPS + steps, batchSize: perWorker * WORKERS, logEvery: 1_000_000, evalEvery: 1_000_000 },
    distributed: { workers: WORKERS, mode: 'procs' },
    strategy: { type: 'ddp', ...(compression ? { compression } : {}) },
  });
  const metrics = new MetricsStream();
  const marks: StepRecord[] = [];
  let bytes = 0;
  metrics.on('step', (r) => {
    if (r.step === WARMUP_STEPS || r.step === WARMUP_STEPS + steps) marks.push(r);
    if (r.step > WARMUP_STEPS) bytes += r.timing?.bytesSent ?? 0;
  });
  await runDataParallel({ config, metrics });
  const [start, end] = marks;
  if (!start || !end) throw new Error('the Loom run published no step records at the marks');
  return { samplesPerSec: ((end.step - start.step) * perWorker * WORKERS) / (end.elapsedSec - start.elapsedSec), bytesPerStep: bytes / steps };
}

async function main(): Promise<void> {
  if (!existsSync(fileURLToPath(new URL('../dist/cli/main.js', import.meta.url)))) throw new Error('procs mode runs the compiled CLI: npm run build first');
  checkPeerAvailable('fast_blas.py', 'torch');
  const peerScript = fileURLToPath(new URL('./compress_torch.py', import.meta.url));
  const methods: Method[] = ['dense', 'fp16', 'powersgd'];
  const loom: Record<Method, { samplesPerSec: number; bytesPerStep: number }[]> = { dense: [], fp16: [], powersgd: [] };
  const torch: Record<Method, { samples_per_s: number; payload_floats: number }[]> = { dense: [], fp16: [], powersgd: [] };
  for (let r = 0; r < rounds; r++) {
    for (const method of methods) {
      loom[method].push(await loomRun(method));
      const args = ['--hook', HOOK[method], '--model', model, '--batch', String(perWorker), '--steps', String(steps), '--world', String(WORKERS)];
      torch[method].push(runPeer<{ samples_per_s: number; payload_floats: number }>(peerScript, args)[0]!);
    }
  }
  const loomRate = (m: Method): number => median(loom[m].map((x) => x.samplesPerSec));
  const torchRate = (m: Method): number => median(torch[m].map((x) => x.samples_per_s));
  process.stdout.write(`bench:compress — DDP, ${WORKERS} processes over TCP, ${model}, ${perWorker} samples per worker per step, median of ${rounds} rounds, vs PyTorch DDP (gloo) hooks\n`);
  printTable(
    ['method', 'loom samples/s', 'torch samples/s', 'loom/torch', 'loom bytes sent a step (rank 0)', 'torch payload floats a step'],
    methods.map((m) => [m, loomRate(m), torchRate(m), loomRate(m) / torchRate(m), median(loom[m].map((x) => x.bytesPerStep)), torch[m][0]!.payload_floats]),
    { peer: true },
  );
  finish(
    'compress',
    {
      bench: 'compress',
      model,
      dense_vs_torch: round3(loomRate('dense') / torchRate('dense')),
      fp16_vs_torch: round3(loomRate('fp16') / torchRate('fp16')),
      powersgd_vs_torch: round3(loomRate('powersgd') / torchRate('powersgd')),
    },
    { loom, torch },
  );
}

await main();
