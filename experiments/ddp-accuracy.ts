/**
 * Does data parallelism change what is learned? Trains the Fashion-MNIST MLP (examples/fashion-mlp.yaml)
 * with the same global batch, seed and schedule on 1, 2 and 4 workers in threads mode and prints
 * each run's test accuracy next to the single worker's. Synchronous DDP averages the same global
 * batch's gradient, so the runs should agree up to float rounding.
 *
 * Usage: npx tsx experiments/ddp-accuracy.ts [--epochs 5] [--workers 1,2,4]
 * Needs full Fashion-MNIST (apt-get install dataset-fashion-mnist).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load.js';
import { runDataParallel } from '../src/parallel/index.js';
import { MetricsStream } from '../src/train/metrics.js';
import { prepareRun } from '../src/train/run.js';

const { values } = parseArgs({ options: { epochs: { type: 'string', default: '5' }, workers: { type: 'string', default: '1,2,4' } } });
const rows: { workers: number; accuracy: number; seconds: number }[] = [];
for (const workers of values.workers.split(',').map(Number)) {
  const config = loadConfig(new URL('../examples/fashion-mlp.yaml', import.meta.url).pathname, [
    `train.epochs=${values.epochs}`,
    `distributed.workers=${workers}`,
  ]);
  const rest = { ...config, output: {} }; // no checkpoints or metrics files
  const started = performance.now();
  let accuracy: number;
  if (workers === 1) {
    const run = await prepareRun(rest);
    accuracy = (await run.trainer.run()).evaluation!.accuracy;
  } else {
    const [lead] = await runDataParallel({ config: rest, metrics: new MetricsStream() });
    accuracy = lead.evaluation!.accuracy;
  }
  rows.push({ workers, accuracy, seconds: (performance.now() - started) / 1000 });
  process.stdout.write(`workers ${workers}: test accuracy ${(100 * accuracy).toFixed(2)}% in ${rows.at(-1)!.seconds.toFixed(0)} s\n`);
}
const base = rows.find((r) => r.workers === 1)?.accuracy ?? rows[0].accuracy;
process.stdout.write(`${JSON.stringify({ experiment: 'ddp-accuracy', epochs: Number(values.epochs), ...Object.fromEntries(rows.map((r) => [`acc_${r.workers}w`, Math.round(1e4 * r.accuracy) / 100])), max_gap_points: Math.round(1e4 * Math.max(...rows.map((r) => Math.abs(r.accuracy - base)))) / 100 })}\n`);
