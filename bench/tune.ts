/**
 * bench:tune — Loom's samplers next to Optuna's (../shared/peers/optuna_bench.py) on the same
 * closed-form functions, trial budget and number of seeds, in one run: median simple regret
 * (best value found − the known optimum) over the seeds; regret ratio = Loom / Optuna (<= 1:
 * Loom's sampler finds as good or better points).
 *
 * Then the training half (bench/lib/tune-training.ts): ASHA against random search to a stated
 * Fashion-MNIST validation accuracy, and trials per hour on 2 trial threads against 1
 * (`--no-training` skips it; it needs Debian's dataset-fashion-mnist and the built CLI, and takes ~30 minutes on 2 cores).
 *
 * Usage: npm run bench:tune [-- --trials 100 --seeds 10 --functions branin,hartmann6 --training-seeds 9]
 */
import { parseArgs } from 'node:util';
import { benchmarkFunction, RandomSampler, Study, TpeSampler, type Sampler } from '../src/tune/index.js';
import { checkPeerAvailable, runPeer } from './lib/peer.js';
import { finish, median, printTable, round3 } from './lib/report.js';
import { benchTraining } from './lib/tune-training.js';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '100' },
    seeds: { type: 'string', default: '10' },
    functions: { type: 'string', default: 'branin,hartmann6' },
    'no-training': { type: 'boolean', default: false },
    'training-seeds': { type: 'string', default: '9' },
    target: { type: 'string', default: '0.88' },
  },
});
const trials = Number(values.trials);
const seeds = Number(values.seeds);
const functions = values.functions.split(',');

async function loomRegret(fn: string, makeSampler: (seed: number) => Sampler): Promise<{ median: number; seconds: number }> {
  const f = benchmarkFunction(fn);
  const regrets: number[] = [];
  const started = performance.now();
  for (let seed = 0; seed < seeds; seed++) {
    const study = await Study.open({ sampler: makeSampler(seed) });
    await study.optimize((trial) => f.evaluate(Object.fromEntries(Object.entries(f.space).map(([name, d]) => [name, trial.suggest(name, d)]))), { trials });
    regrets.push((study.bestTrial?.value as number) - f.optimum);
  }
  return { median: median(regrets), seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  checkPeerAvailable('optuna_bench.py', 'optuna');
  const rows: (string | number)[][] = [];
  const summary: Record<string, number | null> = {};
  for (const fn of functions) {
    const tpe = await loomRegret(fn, (seed) => new TpeSampler({ seed }));
    const random = await loomRegret(fn, (seed) => new RandomSampler(seed));
    const peerFn = fn === 'rosenbrock' ? 'rosenbrock4' : fn;
    const [optuna] = runPeer<{ median_regret: number }>('optuna_bench.py', ['--fn', peerFn, '--sampler', 'tpe', '--trials', String(trials), '--seeds', String(seeds)]);
    const [optunaRandom] = runPeer<{ median_regret: number }>('optuna_bench.py', ['--fn', peerFn, '--sampler', 'random', '--trials', String(trials), '--seeds', String(seeds)]);
    rows.push([fn, round3(tpe.median), round3(optuna.median_regret), round3(tpe.median / optuna.median_regret), round3(random.median), round3(optunaRandom.median_regret), round3(tpe.seconds)]);
    summary[`tpe_regret_ratio_${fn}`] = round3(tpe.median / optuna.median_regret);
  }
  process.stdout.write(`bench:tune — median simple regret after ${trials} trials over ${seeds} seeds; Loom TPE (joint, neighbour bandwidths, 64 candidates, g(x) kernels weighted by their bandwidths; Optuna's defaults otherwise) vs Optuna TPE\n`);
  printTable(['function', 'loom tpe', 'optuna tpe', 'loom/optuna', 'loom random', 'optuna random', 'loom tpe s'], rows, { peer: true });
  const training = values['no-training']
    ? { asha_speedup_vs_random: null, parallel_speedup_2w: null }
    : await benchTraining({
        seeds: Number(values['training-seeds']),
        target: Number(values.target),
        thresholds: [0.86, 0.87, 0.875],
        workers: 2,
        ashaTrials: 200,
        randomTrials: 60,
        throughput: { trials: 64, epochs: [9, 3], repeats: 2, mode: 'threads' },
      });
  finish('tune', { bench: 'tune', ...summary, ...training }, { trials, seeds });
}

await main();
