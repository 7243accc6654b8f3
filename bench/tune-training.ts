/**
 * bench:tune-training — the training half of bench:tune alone (see bench/lib/tune-training.ts):
 * ASHA against random search to a stated Fashion-MNIST validation accuracy, and trials per hour
 * on 2 trial threads against 1.
 *
 * Usage: npm run bench:tune-training [-- --seeds 9 --first-seed 0 --asha-min-budget 3 --target 0.88 --workers 2 --throughput-epochs 9,3 --throughput-mode threads] (--seeds 0: trials per hour only; --throughput-repeats 0: the searches only)
 */
import { parseArgs } from 'node:util';
import { benchTraining } from './lib/tune-training.js';
import { finish } from './lib/report.js';
import { TRIAL_WORKER_MODES, type TrialWorkerMode } from '../src/tune/training/trial-worker-protocol.js';

function workerMode(value: string): TrialWorkerMode {
  if (!(TRIAL_WORKER_MODES as readonly string[]).includes(value)) throw new Error(`--throughput-mode must be one of ${TRIAL_WORKER_MODES.join(', ')}; got ${value}`);
  return value as TrialWorkerMode;
}

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '9' },
    'first-seed': { type: 'string', default: '0' },
    'asha-min-budget': { type: 'string' },
    target: { type: 'string', default: '0.88' },
    thresholds: { type: 'string', default: '0.86,0.87,0.875' },
    workers: { type: 'string', default: '2' },
    'asha-trials': { type: 'string', default: '200' },
    'random-trials': { type: 'string', default: '60' },
    'throughput-trials': { type: 'string', default: '64' },
    'throughput-repeats': { type: 'string', default: '2' },
    'throughput-epochs': { type: 'string', default: '9,3' },
    'throughput-mode': { type: 'string', default: 'threads' },
  },
});
const options = {
  seeds: Number(values.seeds),
  firstSeed: Number(values['first-seed']),
  ...(values['asha-min-budget'] !== undefined ? { ashaMinBudget: Number(values['asha-min-budget']) } : {}),
  target: Number(values.target),
  thresholds: values.thresholds.split(',').map(Number),
  workers: Number(values.workers),
  ashaTrials: Number(values['asha-trials']),
  randomTrials: Number(values['random-trials']),
  throughput: {
    trials: Number(values['throughput-trials']),
    epochs: values['throughput-epochs'].split(',').map(Number),
    repeats: Number(values['throughput-repeats']),
    mode: workerMode(values['throughput-mode']),
  },
};
const summary = await benchTraining(options);
finish('tune-training', { bench: 'tune-training', ...summary }, options);
