/**
 * bench:tune-training — the training half of bench:tune alone (see bench/lib/tune-training.ts):
 * ASHA against random search to a stated Fashion-MNIST validation accuracy, and trials per hour
 * on 2 trial threads against 1.
 *
 * Usage: npx tsx bench/tune-training.ts [--seeds 5 --target 0.88 --workers 2]
 */
import { parseArgs } from 'node:util';
import { benchTraining } from './lib/tune-training.js';
import { finish } from './lib/report.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '5' },
    target: { type: 'string', default: '0.88' },
    thresholds: { type: 'string', default: '0.86,0.87,0.875' },
    workers: { type: 'string', default: '2' },
    'asha-trials': { type: 'string', default: '200' },
    'random-trials': { type: 'string', default: '60' },
    'throughput-trials': { type: 'string', default: '48' },
    'throughput-epochs': { type: 'string', default: '3' },
  },
});
const options = {
  seeds: Number(values.seeds),
  target: Number(values.target),
  thresholds: values.thresholds.split(',').map(Number),
  workers: Number(values.workers),
  ashaTrials: Number(values['asha-trials']),
  randomTrials: Number(values['random-trials']),
  throughputTrials: Number(values['throughput-trials']),
  throughputEpochs: Number(values['throughput-epochs']),
};
const summary = await benchTraining(options);
finish('tune-training', { bench: 'tune-training', ...summary }, options);
