/**
 * bench:tune-training — hyperparameter search on real Fashion-MNIST trainings
 * (examples/tune-fashion-mlp-asha.yaml: an MLP, 15,000 training images, 5,000 held out):
 *
 * - ASHA against random search, both on `--workers` trial threads and the same random sampler
 *   seeds: the wall time from the study's first trial until some trial reports a validation
 *   accuracy >= `--target`. Random search runs every trial to the full 27 epochs; ASHA starts
 *   trials at 1 epoch and promotes the best third of each rung. A run that never reaches the
 *   target counts its whole length (a lower bound: the speedup is then understated).
 * - trials per hour with 2 trial threads against 1: random search, FIFO, `--epochs` per trial.
 *
 * Usage: npx tsx bench/tune-training.ts [--seeds 3 --target 0.87 --workers 2 --epochs 3 --trials 12]
 * Needs Debian's dataset-fashion-mnist.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readConfigFile } from '../src/config/load.js';
import { parseTuneFile, runTuneFile, type Study, type TuneFile } from '../src/tune/index.js';
import { median, printTable, round3 } from './lib/report.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '3' },
    target: { type: 'string', default: '0.88' },
    /** Also shown: the time to these accuracies. */
    thresholds: { type: 'string', default: '0.86,0.87,0.875,0.88' },
    workers: { type: 'string', default: '2' },
    epochs: { type: 'string', default: '3' },
    trials: { type: 'string', default: '30' },
    /** At most this many trials; a search ends once some trial reaches the target. */
    'asha-trials': { type: 'string', default: '200' },
    'random-trials': { type: 'string', default: '60' },
  },
});
const target = Number(values.target);
const thresholds = [...new Set([...values.thresholds.split(',').map(Number), target])].sort((a, b) => a - b);
const workers = Number(values.workers);
const example = parseTuneFile(readConfigFile(new URL('../examples/tune-fashion-mlp-asha.yaml', import.meta.url).pathname));

export interface StudyTiming {
  /** Per threshold: seconds from the first trial's creation to the first report >= it, or null if none reached it. */
  readonly toThreshold: ReadonlyMap<number, number | null>;
  readonly seconds: number;
  readonly trials: number;
  readonly best: number;
}

/** True once some trial of the study reported at least `target`. */
const reached = (study: Study): boolean => study.trials().some((t) => [...t.intermediate.values()].some((v) => v >= target));

/** Runs `file` in a fresh store; `untilTarget` ends it once the target is reached (running trials finish). */
async function timeStudy(file: TuneFile, untilTarget = false): Promise<StudyTiming> {
  const dir = mkdtempSync(join(tmpdir(), 'loom-bench-tune-'));
  try {
    const objective = { ...file.objective, checkpoints: join(dir, 'ck') } as TuneFile['objective'];
    const { study, db } = await runTuneFile({ ...file, objective, store: join(dir, 'studies.sqlite') }, untilTarget ? { stop: reached } : {});
    try {
      const entries = await study.backend.read(0);
      const created = entries.find((e) => e.op.op === 'create');
      const start = created && created.op.op === 'create' ? created.op.at : 0;
      let end = start;
      const toThreshold = new Map<number, number | null>(thresholds.map((x) => [x, null]));
      for (const { op } of entries) {
        if ('at' in op) end = Math.max(end, op.at);
        if (op.op !== 'report') continue;
        for (const x of thresholds) if (toThreshold.get(x) === null && op.value >= x) toThreshold.set(x, (op.at - start) / 1000);
      }
      const best = Math.max(...study.trials().flatMap((t) => [...t.intermediate.values()]));
      return { toThreshold, seconds: (end - start) / 1000, trials: study.trials().length, best };
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Seconds to reach `x`, or the study's whole length when it never did (a lower bound). */
const timeTo = (t: StudyTiming, x: number): number => t.toThreshold.get(x) ?? t.seconds;
const shown = (t: StudyTiming, x: number): string => (t.toThreshold.get(x) === null ? `>${round3(t.seconds)}` : String(round3(timeTo(t, x))));

export async function ashaAgainstRandom(seeds: number): Promise<{ speedups: Map<number, number>; rows: (string | number)[][] }> {
  const rows: (string | number)[][] = [];
  const runs: { asha: StudyTiming; random: StudyTiming }[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const sampler = { type: 'random', seed };
    const asha = await timeStudy({ ...example, name: `asha-${seed}`, sampler, workers, trials: Number(values['asha-trials']) }, true);
    const random = await timeStudy({ ...example, name: `random-${seed}`, sampler, scheduler: { type: 'fifo' }, workers, trials: Number(values['random-trials']) }, true);
    runs.push({ asha, random });
    for (const [name, t] of [['asha', asha], ['random', random]] as const) {
      rows.push([seed, name, ...thresholds.map((x) => shown(t, x)), t.trials, round3(t.seconds), round3(t.best)]);
    }
  }
  const speedups = new Map(thresholds.map((x) => [x, median(runs.map((r) => timeTo(r.random, x))) / median(runs.map((r) => timeTo(r.asha, x)))]));
  return { speedups, rows };
}

export async function trialsPerHour(threads: number): Promise<number> {
  const file: TuneFile = {
    ...example,
    name: `throughput-${threads}`,
    scheduler: { type: 'fifo' },
    workers: threads,
    trials: Number(values.trials),
    objective: { ...example.objective, config: { ...(example.objective as { config: Record<string, unknown> }).config, train: { epochs: Number(values.epochs), batchSize: 128, logEvery: 1000 } } } as TuneFile['objective'],
    space: { ...example.space, 'train.batchSize': { type: 'categorical', choices: [128] } },
  };
  const t = await timeStudy(file);
  return (t.trials / t.seconds) * 3600;
}

async function main(): Promise<void> {
  const { speedups, rows } = await ashaAgainstRandom(Number(values.seeds));
  process.stdout.write(`ASHA vs random search, ${workers} trial threads: seconds until a validation accuracy >= each threshold\n`);
  printTable(['seed', 'search', ...thresholds.map((x) => `to ${x} s`), 'trials', 'study s', 'best acc'], rows);
  process.stdout.write(`median speedup (random / ASHA): ${thresholds.map((x) => `${x}: ${round3(speedups.get(x) as number)}`).join(', ')}\n`);
  const speedup = speedups.get(target) as number;
  const one = await trialsPerHour(1);
  const two = await trialsPerHour(2);
  process.stdout.write(`trials per hour (${values.epochs}-epoch trials, random search): 1 thread ${Math.round(one)}, 2 threads ${Math.round(two)}\n`);
  process.stdout.write(`${JSON.stringify({ bench: 'tune-training', asha_speedup_vs_random: round3(speedup), parallel_speedup_2w: round3(two / one) })}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
