/**
 * Hyperparameter search on real Fashion-MNIST trainings (examples/tune-fashion-mlp-asha.yaml: an
 * MLP, 15,000 training images, 5,000 held out), for bench:tune and bench/tune-training.ts:
 *
 * - ASHA against random search, both on `workers` trial threads with the same random-sampler
 *   seeds (so trial k is the same configuration in both): the wall time from the study's first
 *   trial until some trial reports a validation accuracy >= the target. Random search runs every
 *   trial to the full 27 epochs; ASHA starts trials at 1 epoch and promotes the best third of
 *   each rung. Both stop once the target is reached (running trials finish); a search that never
 *   reaches it counts its whole length (a lower bound, which understates its time).
 * - trials per hour with 2 trial threads against 1: random search, FIFO, short fixed-length trials.
 *
 * Needs Debian's dataset-fashion-mnist.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfigFile } from '../../src/config/load.js';
import { parseTuneFile, runTuneFile, type Study, type TuneFile } from '../../src/tune/index.js';
import { median, printTable, round3 } from './report.js';

export interface SearchComparison {
  readonly seeds: number;
  /** The stated validation accuracy. */
  readonly target: number;
  /** Also shown: the times to these accuracies (those above the target are never reached: searches stop there). */
  readonly thresholds: readonly number[];
  readonly workers: number;
  readonly ashaTrials: number;
  readonly randomTrials: number;
}

interface StudyTiming {
  /** Per threshold: seconds from the first trial's creation to the first report >= it, or null if none reached it. */
  readonly toThreshold: ReadonlyMap<number, number | null>;
  readonly seconds: number;
  readonly trials: number;
  readonly best: number;
}

const example = (): TuneFile => parseTuneFile(readConfigFile(new URL('../../examples/tune-fashion-mlp-asha.yaml', import.meta.url).pathname));

/** Runs `file` in a fresh store; with `target`, ends it once some trial reports at least that. */
async function timeStudy(file: TuneFile, thresholds: readonly number[], target: number | null): Promise<StudyTiming> {
  const dir = mkdtempSync(join(tmpdir(), 'loom-bench-tune-'));
  const reached = (study: Study): boolean => study.trials().some((t) => [...t.intermediate.values()].some((v) => v >= (target as number)));
  try {
    const objective = { ...file.objective, checkpoints: join(dir, 'ck') } as TuneFile['objective'];
    const { study, db } = await runTuneFile({ ...file, objective, store: join(dir, 'studies.sqlite') }, target === null ? {} : { stop: reached });
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

/** Median over seeds of random search's time to each threshold over ASHA's, and a row per seed and search. */
export async function ashaAgainstRandom(o: SearchComparison): Promise<{ speedups: Map<number, number>; headers: string[]; rows: (string | number)[][] }> {
  const thresholds = [...new Set([...o.thresholds, o.target])].sort((a, b) => a - b);
  const base = example();
  const rows: (string | number)[][] = [];
  const runs: { asha: StudyTiming; random: StudyTiming }[] = [];
  for (let seed = 0; seed < o.seeds; seed++) {
    const sampler = { type: 'random', seed };
    const asha = await timeStudy({ ...base, name: `asha-${seed}`, sampler, workers: o.workers, trials: o.ashaTrials }, thresholds, o.target);
    const random = await timeStudy({ ...base, name: `random-${seed}`, sampler, scheduler: { type: 'fifo' }, workers: o.workers, trials: o.randomTrials }, thresholds, o.target);
    runs.push({ asha, random });
    for (const [name, t] of [['asha', asha], ['random', random]] as const) {
      rows.push([seed, name, ...thresholds.map((x) => shown(t, x)), t.trials, round3(t.seconds), round3(t.best)]);
    }
  }
  const speedups = new Map(thresholds.map((x) => [x, median(runs.map((r) => timeTo(r.random, x))) / median(runs.map((r) => timeTo(r.asha, x)))]));
  return { speedups, headers: ['seed', 'search', ...thresholds.map((x) => `to ${x} s`), 'trials', 'study s', 'best acc'], rows };
}

/** Trials per hour of random search (FIFO) with `threads` trial threads: `trials` trials of `epochs` epochs at batch 128. */
export async function trialsPerHour(threads: number, trials: number, epochs: number): Promise<number> {
  const base = example();
  const objective = base.objective as Extract<TuneFile['objective'], { type: 'training' }>;
  const file: TuneFile = {
    ...base,
    name: `throughput-${threads}`,
    scheduler: { type: 'fifo' },
    workers: threads,
    trials,
    objective: { ...objective, config: { ...(objective.config as Record<string, unknown>), train: { epochs, batchSize: 128, logEvery: 1000 } } },
    space: { ...base.space, 'train.batchSize': { type: 'categorical', choices: [128] } },
  };
  const t = await timeStudy(file, [], null);
  return (t.trials / t.seconds) * 3600;
}

/** Both measurements, printed; returns the summary keys of bench:tune. */
export async function benchTraining(o: SearchComparison & { readonly throughputTrials: number; readonly throughputEpochs: number }): Promise<{ asha_speedup_vs_random: number; parallel_speedup_2w: number }> {
  const { speedups, headers, rows } = await ashaAgainstRandom(o);
  process.stdout.write(`ASHA vs random search on Fashion-MNIST MLP trainings, ${o.workers} trial threads: seconds until a validation accuracy >= each threshold (searches stop at ${o.target})\n`);
  printTable(headers, rows);
  process.stdout.write(`median speedup (random / ASHA): ${[...speedups].map(([x, s]) => `${x}: ${round3(s)}`).join(', ')}\n`);
  const one = await trialsPerHour(1, o.throughputTrials, o.throughputEpochs);
  const two = await trialsPerHour(2, o.throughputTrials, o.throughputEpochs);
  process.stdout.write(`trials per hour (${o.throughputTrials} trials of ${o.throughputEpochs} epochs, random search): 1 thread ${Math.round(one)}, 2 threads ${Math.round(two)}\n`);
  return { asha_speedup_vs_random: round3(speedups.get(o.target) as number), parallel_speedup_2w: round3(two / one) };
}
