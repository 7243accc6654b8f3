/**
 * bench:ddp — global training throughput (samples/s) of synchronous data parallelism with 1 and 2
 * workers in `threads` mode, MLP (784-256-256-10) and LeNet-5-style CNN, 128 samples per worker
 * per step, next to PyTorch DistributedDataParallel over gloo (../shared/peers/torch_ddp.py) in
 * the same run. Rounds alternate Loom and the peer; medians are compared.
 *
 * The scaling limit on this machine is measured in the same run: two independent one-worker
 * trainings at once (two threads; the two cores share arithmetic units, so their sum can fall
 * well short of twice one). `mlp_vs_limit_2w` / `cnn_vs_limit_2w` = 2-worker DDP samples/s over
 * that sum. The 2-worker DDP also runs over the message rings (`allreduce: ring`) beside the
 * default shared-memory all-reduce, and the spread of rank 0's per-step compute time in the DDP runs
 * is printed: a lockstep step waits for the slower rank, so that spread is what DDP pays beyond
 * the all-reduce.
 *
 * Usage: npm run bench:ddp [-- --rounds 3 --seconds 4]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { validateConfig } from '../src/config/load.js';
import { trainOnThreads } from '../src/parallel/index.js';
import { MetricsStream, type StepRecord } from '../src/train/metrics.js';
import { checkPeerAvailable, runPeer } from './lib/peer.js';
import { BENCH_MODELS } from './lib/models.js';
import { finish, median, printTable, round3 } from './lib/report.js';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '4' }, batch: { type: 'string', default: '128' } },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const perWorker = Number(values.batch);
/**
 * Loom's steps before timing starts: about this many seconds. V8 optimizes each rank's hot paths in
 * its own isolate over the first few hundred steps; PyTorch's peer needs no JIT warm-up (it
 * times after 10 steps), so both are measured in their steady state.
 */
const WARMUP_SECONDS = 1.5;

type ModelName = 'mlp' | 'cnn';
/** Rough single-worker samples/s, to size a run to about `seconds`. */
const GUESS = { mlp: 30_000, cnn: 6_000 };

interface LoomRun {
  samplesPerSec: number;
  /** Rank 0's compute seconds of each timed step (2 workers only). */
  computeSec: number[];
}

async function loomRun(name: ModelName, workers: number, estimate: number, allreduce: 'auto' | 'ring' = 'auto'): Promise<LoomRun> {
  const warmup = Math.max(10, Math.round((WARMUP_SECONDS * estimate) / (perWorker * workers)));
  const steps = warmup + Math.max(20, Math.round((seconds * estimate) / (perWorker * workers)));
  const dir = mkdtempSync(join(tmpdir(), 'loom-bench-ddp-'));
  const config = validateConfig({
    seed: 1,
    backend: 'wasm',
    data: { name: 'fashion-mnist-subset' },
    model: BENCH_MODELS[name],
    optimizer: { type: 'sgd', lr: 0.01, momentum: 0.9 },
    train: { steps, batchSize: perWorker * workers, logEvery: 1_000_000, evalEvery: 1_000_000 },
    distributed: { workers, mode: 'threads', allreduce },
  });
  const metrics = new MetricsStream();
  const marks: StepRecord[] = [];
  const computeSec: number[] = [];
  metrics.on('step', (r) => {
    if (r.step === warmup || r.step === steps) marks.push(r);
    if (r.step > warmup && r.timing) computeSec.push(r.timing.computeSec);
  });
  try {
    await trainOnThreads({ config, metrics });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const [start, end] = marks;
  return { samplesPerSec: ((end.step - start.step) * perWorker * workers) / (end.elapsedSec - start.elapsedSec), computeSec };
}

async function loomSamplesPerSec(name: ModelName, workers: number, estimate: number): Promise<number> {
  return (await loomRun(name, workers, estimate)).samplesPerSec;
}

/** "p10 1.07, p50 1.16, p90 1.50, p99 4.36 ms". */
function spread(seconds: number[]): string {
  const sorted = [...seconds].sort((a, b) => a - b);
  const at = (q: number): string => ((sorted[Math.floor(q * (sorted.length - 1))] ?? NaN) * 1e3).toFixed(2);
  return `p10 ${at(0.1)}, p50 ${at(0.5)}, p90 ${at(0.9)}, p99 ${at(0.99)} ms`;
}

async function main(): Promise<void> {
  checkPeerAvailable('torch_ddp.py', 'torch');
  type Row = { loom: number[]; torch: number[] };
  const results: Record<string, Row> = {};
  const independent: Record<ModelName, number[]> = { mlp: [], cnn: [] };
  const overRings: Record<ModelName, number[]> = { mlp: [], cnn: [] };
  const computeSec: Record<ModelName, number[]> = { mlp: [], cnn: [] };
  for (const name of ['mlp', 'cnn'] as const) {
    for (const workers of [1, 2]) {
      const row: Row = (results[`${name}_${workers}w`] = { loom: [], torch: [] });
      for (let r = 0; r < rounds; r++) {
        const estimate = row.loom.length ? median(row.loom) / workers : GUESS[name];
        const run = await loomRun(name, workers, estimate);
        row.loom.push(run.samplesPerSec);
        if (workers === 2) {
          computeSec[name].push(...run.computeSec);
          overRings[name].push((await loomRun(name, workers, estimate, 'ring')).samplesPerSec);
        }
        const steps = String(Math.max(20, Math.round((seconds * median(row.loom)) / (perWorker * workers))));
        const [peer] = runPeer<{ samples_per_s: number }>('torch_ddp.py', ['--world', String(workers), '--model', name, '--batch', String(perWorker), '--steps', steps]);
        row.torch.push(peer.samples_per_s);
        if (workers === 2) {
          const alone = median(results[`${name}_1w`].loom);
          const pair = await Promise.all([loomSamplesPerSec(name, 1, alone), loomSamplesPerSec(name, 1, alone)]);
          independent[name].push(pair[0] + pair[1]);
        }
      }
    }
  }
  const limit = (name: ModelName): number => median(independent[name]);
  const rings = (name: ModelName): number => median(overRings[name]);
  const m = (key: string, who: 'loom' | 'torch'): number => median(results[key][who]);
  const rows = (['mlp', 'cnn'] as const).flatMap((name) =>
    [1, 2].map((w) => [name, w, perWorker * w, m(`${name}_${w}w`, 'loom'), m(`${name}_${w}w`, 'torch'), m(`${name}_${w}w`, 'loom') / m(`${name}_${w}w`, 'torch')] as const),
  );
  process.stdout.write(`bench:ddp — threads mode, ${perWorker} samples per worker per step, median of ${rounds} rounds, vs PyTorch DDP (gloo)\n`);
  printTable(['model', 'workers', 'global batch', 'loom samples/s', 'torch ddp samples/s', 'loom/torch'], rows, { peer: true });
  const speedup = (name: ModelName, who: 'loom' | 'torch'): number => m(`${name}_2w`, who) / m(`${name}_1w`, who);
  process.stdout.write(
    `speedup 1 -> 2 workers: Loom MLP ${speedup('mlp', 'loom').toFixed(2)}x, CNN ${speedup('cnn', 'loom').toFixed(2)}x; ` +
      `PyTorch DDP MLP ${speedup('mlp', 'torch').toFixed(2)}x, CNN ${speedup('cnn', 'torch').toFixed(2)}x\n`,
  );
  process.stdout.write(
    `two independent one-worker trainings at once: MLP ${Math.round(limit('mlp'))} samples/s (${(limit('mlp') / m('mlp_1w', 'loom')).toFixed(2)}x one), ` +
      `CNN ${Math.round(limit('cnn'))} (${(limit('cnn') / m('cnn_1w', 'loom')).toFixed(2)}x); 2-worker DDP over that limit: MLP ${(m('mlp_2w', 'loom') / limit('mlp')).toFixed(3)}, CNN ${(m('cnn_2w', 'loom') / limit('cnn')).toFixed(3)}\n`,
  );
  process.stdout.write(
    `2-worker DDP over the message rings (allreduce: ring) instead of shared memory: MLP ${Math.round(rings('mlp'))} samples/s (${(rings('mlp') / limit('mlp')).toFixed(3)} of the limit), ` +
      `CNN ${Math.round(rings('cnn'))} (${(rings('cnn') / limit('cnn')).toFixed(3)})\n`,
  );
  process.stdout.write(`rank 0's compute a step in the 2-worker DDP runs: MLP ${spread(computeSec.mlp)}; CNN ${spread(computeSec.cnn)}\n`);
  finish(
    'ddp',
    {
      bench: 'ddp',
      mlp_vs_limit_2w: round3(m('mlp_2w', 'loom') / limit('mlp')),
      cnn_vs_limit_2w: round3(m('cnn_2w', 'loom') / limit('cnn')),
      mlp_rings_vs_limit_2w: round3(rings('mlp') / limit('mlp')),
      cnn_rings_vs_limit_2w: round3(rings('cnn') / limit('cnn')),
      mlp_speedup_2w: round3(speedup('mlp', 'loom')),
      cnn_speedup_2w: round3(speedup('cnn', 'loom')),
      mlp_vs_torch_ddp_2w: round3(m('mlp_2w', 'loom') / m('mlp_2w', 'torch')),
      cnn_vs_torch_ddp_2w: round3(m('cnn_2w', 'loom') / m('cnn_2w', 'torch')),
      torch_mlp_speedup_2w: round3(speedup('mlp', 'torch')),
      torch_cnn_speedup_2w: round3(speedup('cnn', 'torch')),
    },
    { ...results, independent, overRings },
  );
}

await main();
