/**
 * bench:compute — single-core training throughput (samples/s), Loom next to PyTorch (one thread) in
 * the same run, for:
 * - the reference MLP (784-256-256-10) and the LeNet-5-style CNN at batch 128, and at the sweep's
 *   batches (32 and 512 by default), against ../shared/peers/torch_train.py;
 * - the `resnet` model at its defaults (width 16, GroupNorm 8, stages [1,1,1]) at batch 128, against
 *   ../shared/peers/torch_resnet.py;
 * - the transformer of examples/charlm.yaml (its model, optimizer, batch and text data) against
 *   ../shared/peers/torch_charlm.py at the same shape and vocabulary.
 * Rounds alternate Loom and the peer so that drifting machine load hits both; the medians are
 * compared. MLP and CNN: Loom runs 10 warm-up steps then steps for --seconds, the peer 10 warm-up
 * steps then as many steps as Loom's median rate fits in that time (at least 20). ResNet and
 * char-LM: both sides run the peer script's warm-up steps (3 and 5) then the same number of timed
 * steps (--resnet-steps, --charlm-steps). samples/s = batch x timed steps / seconds. Each side's
 * throughput is also shown in GFLOP/s, counted from the layer shapes, and Loom's as a fraction of the
 * core's own peak (src/compute/peak.ts, measured once at the start).
 *
 * Usage: npm run bench:compute [-- --rounds 3 --seconds 3 --batch 128 --sweep 32,512
 *          --resnet-steps 30 --charlm-steps 60 --peak-seconds 0.75]
 * --seconds also scales the ResNet and char-LM steps where those are not given (30 and 60 at the
 * default 3 s; at least 5); --sweep '' leaves the sweep rows out.
 * Last line: {"bench":"compute","mlp_ratio":R,...,"mlp_fraction_of_peak":F,"peak_gflops":P,...,
 *   "resnet_ratio":R,"charlm_ratio":R,"mlp_ratio_b32":R,...}
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend, measurePeakGflops } from '../src/compute/index.js';
import { loadConfig } from '../src/config/index.js';
import { loadDataset } from '../src/data/index.js';
import { nativeStatus } from '../src/native/index.js';
import { createModel, type Model } from '../src/nn/index.js';
import { buildModel, effectiveLearningRate, optimizerSpec } from '../src/train/run.js';
import { checkPeerAvailable, runPeer } from './lib/peer.js';
import { finish, median, printTable, round3 } from './lib/report.js';
import { randomImageBatch, timeSeconds, timeSteps, trainStep, type TrainStep } from './lib/train-step.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '3' },
    batch: { type: 'string', default: '128' },
    sweep: { type: 'string', default: '32,512' },
    'resnet-steps': { type: 'string' },
    'charlm-steps': { type: 'string' },
    'peak-seconds': { type: 'string', default: '0.75' },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const batchSize = Number(values.batch);
const sweep = values.sweep.split(',').filter((s) => s.trim() !== '').map(Number);
const peakSeconds = Number(values['peak-seconds']);
const checks: [string, number][] = [['rounds', rounds], ['batch', batchSize], ...sweep.map((b): [string, number] => ['sweep', b])];
for (const [flag, n] of checks) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a positive integer, got ${n}`);
}
if (!(seconds > 0)) throw new Error(`--seconds must be positive, got ${values.seconds}`);

/** Timed steps of a fixed-step row: the flag, or the default scaled by --seconds / 3 (at least 5). */
function stepsOf(flag: string | undefined, atThreeSeconds: number): number {
  const steps = flag === undefined ? Math.max(5, Math.round((atThreeSeconds * seconds) / 3)) : Number(flag);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer, got ${flag}`);
  return steps;
}
const resnetSteps = stepsOf(values['resnet-steps'], 30);
const charlmSteps = stepsOf(values['charlm-steps'], 60);

type ImageModel = 'mlp' | 'cnn';
const SPECS = { mlp: { type: 'mlp', hidden: [256, 256] }, cnn: { type: 'cnn', channels: [6, 16], hidden: [120, 84] } } as const;
const IMAGE_SHAPE = [28, 28, 1] as const;
/** The `resnet` model's defaults, spelled out: torch_resnet.py builds this shape. */
const RESNET_SPEC = { type: 'resnet', width: 16, groups: 8, stages: [1, 1, 1] } as const;
const RESNET_BATCH = 128;
/** Warm-up steps the peers run before timing (torch_resnet.py: 3, torch_charlm.py: 5); Loom runs as many. */
const RESNET_WARMUP = 3;
const CHARLM_WARMUP = 5;
/** MLP/CNN: Loom's warm-up steps (torch_train.py also runs 10). */
const IMAGE_WARMUP = 10;
const CHARLM_CONFIG = fileURLToPath(new URL('../examples/charlm.yaml', import.meta.url));

interface Work {
  /** FLOPs of one training sample: 3 x the layers' forward FLOPs. */
  readonly perSample: number;
  /** The first layer's input gradient's share of perSample (counted by the convention, computed by neither side: the input is data). */
  readonly firstInputGrad: number;
}

interface Row {
  readonly model: string;
  readonly batch: number;
  readonly work: Work;
  readonly loom: number[];
  readonly torch: number[];
  /** Timed steps per round: Loom's, then the peer's. */
  readonly loomSteps: number[];
  readonly torchSteps: number[];
}

function trainingFlops(model: Model): Work {
  const forward = model.layers.reduce((sum, layer) => sum + layer.forwardFlops, 0);
  const first = model.layers[0]?.forwardFlops ?? 0;
  return { perSample: 3 * forward, firstInputGrad: first / (3 * forward) };
}

interface PeerResult {
  readonly samples_per_s: number;
  readonly version: string;
  readonly [key: string]: unknown;
}

/** Runs a peer and checks that it trained what was asked (every expected field it echoes). */
function peer(script: string, args: Record<string, number | string>, expected: Record<string, number | string>): PeerResult {
  const argv = Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)]);
  const [result] = runPeer<PeerResult>(script, argv);
  if (!result) throw new Error(`peer ${script} ${argv.join(' ')} printed no JSON line`);
  for (const [key, value] of Object.entries(expected)) {
    if (result[key] !== value) throw new Error(`peer ${script} reports ${key} ${String(result[key])}, expected ${value}`);
  }
  return result;
}

function newRow(model: string, batch: number, work: Work): Row {
  return { model, batch, work, loom: [], torch: [], loomSteps: [], torchSteps: [] };
}

let torchVersion = '';

/** MLP or CNN at each batch: Loom for --seconds, then the peer for as many steps as Loom's median rate fits in that time. */
function measureImageModel(name: ImageModel, batches: readonly number[]): Row[] {
  const model = createModel(SPECS[name], { inputShape: IMAGE_SHAPE, numClasses: 10, seed: 1 });
  const work = trainingFlops(model);
  const rows = batches.map((batch) => {
    const row = newRow(name, batch, work);
    const step = trainStep(model, randomImageBatch(batch, IMAGE_SHAPE, 10), { type: 'sgd', momentum: 0.9 }, 0.01);
    for (let r = 0; r < rounds; r++) {
      const loom = timeSeconds(step, IMAGE_WARMUP, seconds);
      row.loom.push(loom.samplesPerSec);
      row.loomSteps.push(loom.steps);
      const steps = Math.max(20, Math.round((seconds * median(row.loom)) / batch));
      const result = peer('torch_train.py', { model: name, batch, threads: 1, steps }, { model: name, batch, threads: 1 });
      row.torch.push(result.samples_per_s);
      row.torchSteps.push(steps);
      torchVersion = result.version;
    }
    return row;
  });
  model.dispose();
  return rows;
}

/** A fixed-step row: Loom `warmup` + `steps` steps, then the peer the same (its own warm-up is `warmup`). */
function measureFixedSteps(row: Row, step: TrainStep, warmup: number, steps: number, runPeerRound: () => PeerResult): void {
  for (let r = 0; r < rounds; r++) {
    const loom = timeSteps(step, warmup, steps);
    row.loom.push(loom.samplesPerSec);
    row.loomSteps.push(loom.steps);
    const result = runPeerRound();
    row.torch.push(result.samples_per_s);
    row.torchSteps.push(steps);
    torchVersion = result.version;
  }
}

function measureResnet(): Row {
  const model = createModel(RESNET_SPEC, { inputShape: IMAGE_SHAPE, numClasses: 10, seed: 1 });
  const row = newRow('resnet', RESNET_BATCH, trainingFlops(model));
  // SGD with momentum at torch_resnet.py's learning rate.
  const step = trainStep(model, randomImageBatch(RESNET_BATCH, IMAGE_SHAPE, 10), { type: 'sgd', momentum: 0.9 }, 0.05);
  const shape = { width: RESNET_SPEC.width, groups: RESNET_SPEC.groups, batch: RESNET_BATCH, threads: 1 };
  measureFixedSteps(row, step, RESNET_WARMUP, resnetSteps, () =>
    peer('torch_resnet.py', { ...shape, steps: resnetSteps }, { model: 'resnet', ...shape }),
  );
  model.dispose();
  return row;
}

/** examples/charlm.yaml as `loom train` builds it: its data (for the vocabulary and a batch), model, optimizer and batch size. */
function measureCharlm(): Row {
  const config = loadConfig(CHARLM_CONFIG);
  if (config.model.type !== 'transformer' || config.data.name !== 'text') {
    throw new Error(`${CHARLM_CONFIG}: expected a transformer on text data, got ${config.model.type} on ${config.data.name}`);
  }
  // createTransformer's defaults where the config leaves a key out.
  const { layers = 2, heads = 4, width = 128, context = 64, mlpRatio = 4 } = config.model;
  if (mlpRatio !== 4) throw new Error(`${CHARLM_CONFIG}: mlpRatio ${mlpRatio}, but torch_charlm.py's MLP is 4x wide`);
  const data = loadDataset(config.data);
  const model = buildModel(config, data);
  const batchSize = config.train.batchSize;
  const row = newRow('charlm', batchSize, trainingFlops(model));
  const batch = data.train.batch(Int32Array.from({ length: batchSize }, (_, i) => i));
  const step = trainStep(model, batch, optimizerSpec(config), effectiveLearningRate(config));
  // torch_charlm.py echoes all but the vocabulary.
  const shape = { layers, heads, width, context, batch: batchSize, threads: 1 };
  measureFixedSteps(row, step, CHARLM_WARMUP, charlmSteps, () =>
    peer('torch_charlm.py', { ...shape, vocab: data.train.numClasses, steps: charlmSteps }, { model: 'charlm', ...shape }),
  );
  model.dispose();
  return row;
}

async function main(): Promise<void> {
  checkPeerAvailable('torch_train.py', 'torch');
  checkPeerAvailable('torch_resnet.py', 'torch');
  checkPeerAvailable('torch_charlm.py', 'torch');
  const status = await initBackend({ backend: 'wasm', threads: 1 });
  const native = nativeStatus();
  const peak = measurePeakGflops(peakSeconds);
  const imageBatches = [...new Set([batchSize, ...sweep])].sort((a, b) => a - b);
  const rows: Row[] = [...measureImageModel('mlp', imageBatches), ...measureImageModel('cnn', imageBatches), measureResnet(), measureCharlm()];
  const find = (model: string, batch?: number): Row => rows.find((r) => r.model === model && (batch === undefined || r.batch === batch))!;

  const cells = (row: Row) => {
    const loom = median(row.loom);
    const torch = median(row.torch);
    const loomGflops = (loom * row.work.perSample) / 1e9;
    const torchGflops = (torch * row.work.perSample) / 1e9;
    const ofPeak = peak.gflops === null ? null : loomGflops / peak.gflops;
    return [row.model, row.batch, loom, torch, loom / torch, row.work.perSample / 1e6, loomGflops, torchGflops, ofPeak ?? 'n/a'] as const;
  };
  const resnet = find('resnet');
  const charlm = find('charlm');
  const pct = (row: Row) => `${(100 * row.work.firstInputGrad).toFixed(0)}%`;
  const sweepNote = sweep.length > 0 ? ` (sweep: ${imageBatches.filter((b) => b !== batchSize).join(', ')})` : '';
  process.stdout.write(
    `bench:compute — one core, median of ${rounds} rounds; Loom ${status.backend} ` +
      `(SIMD ${status.simd}, ${status.replacedKernels.length} Loom kernels, native ${native.active ? native.kernel : 'off'}) vs PyTorch ${torchVersion}\n` +
      `mlp, cnn: batch ${batchSize}${sweepNote}, SGD with momentum; Loom ${seconds} s after ${IMAGE_WARMUP} warm-up steps, PyTorch ` +
      `as many steps as Loom's median rate fits in ${seconds} s (at least 20) after 10.\n` +
      `resnet (width ${RESNET_SPEC.width}, GroupNorm ${RESNET_SPEC.groups}, stages [${RESNET_SPEC.stages.join(',')}]): batch ${resnet.batch}, ` +
      `SGD with momentum, ${resnetSteps} steps after ${RESNET_WARMUP} warm-up steps, each side.\n` +
      `charlm (examples/charlm.yaml's transformer, optimizer and text): batch ${charlm.batch}, ` +
      `${charlmSteps} steps after ${CHARLM_WARMUP} warm-up steps, each side.\n` +
      (peak.gflops === null
        ? `peak: not measured (${peak.reason})\n`
        : `peak: ${peak.gflops.toFixed(1)} GFLOP/s (${peak.kernel} FMA chains on this core, best of ${peak.bursts} bursts in ${peakSeconds} s)\n`) +
      `FLOP/sample: 3 x the forward FLOPs of the layers' matmuls and convolutions (backward = 2 x forward, as ` +
      `src/parallel/launch/run-virtual.ts counts a step; element-wise ops — GroupNorm, LayerNorm, pooling, softmax, GELU, ` +
      `residual adds — loss and optimizer not counted: those layers declare 0). Neither side computes the first layer's ` +
      `input gradient: ${pct(find('mlp'))} (mlp), ${pct(find('cnn'))} (cnn), ${pct(resnet)} (resnet) and ${pct(charlm)} (charlm) ` +
      `of that count. charlm's embedding is counted as the one-hot matmul Loom runs; PyTorch looks the rows up instead.\n\n`,
  );
  const table = rows.map(cells);
  printTable(
    ['model', 'batch', 'loom samples/s', 'pytorch samples/s', 'loom/pytorch', 'MFLOP/sample', 'loom GFLOP/s', 'pytorch GFLOP/s', 'loom of peak'],
    table,
    { peer: true },
  );
  const mlp = cells(find('mlp', batchSize));
  const cnn = cells(find('cnn', batchSize));
  const res = cells(resnet);
  const lm = cells(charlm);
  const sweepKeys: Record<string, number> = {};
  for (const name of ['mlp', 'cnn'] as const) {
    for (const b of sweep) sweepKeys[`${name}_ratio_b${b}`] = round3(cells(find(name, b))[4]);
  }
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
      resnet_ratio: round3(res[4]),
      charlm_ratio: round3(lm[4]),
      resnet_loom: Math.round(res[2]),
      resnet_torch: Math.round(res[3]),
      charlm_loom: Math.round(lm[2]),
      charlm_torch: Math.round(lm[3]),
      ...sweepKeys,
    },
    {
      // mlp, cnn (at --batch), resnet, charlm; the sweep's rows as mlp_b32 and so on.
      ...Object.fromEntries(
        rows.map((r) => [
          (r.model === 'mlp' || r.model === 'cnn') && r.batch !== batchSize ? `${r.model}_b${r.batch}` : r.model,
          { batch: r.batch, loom: r.loom, torch: r.torch, loomSteps: r.loomSteps, torchSteps: r.torchSteps },
        ]),
      ),
      flopsPerSample: Object.fromEntries(rows.map((r) => [r.model, r.work.perSample])),
      peak,
    },
  );
}

await main();
