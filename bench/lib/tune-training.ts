/**
 * Hyperparameter search on real Fashion-MNIST trainings (examples/tune-fashion-mlp-asha.yaml: an
 * MLP, 15,000 training images, 5,000 held out), for bench:tune and bench/tune-training.ts. Every
 * search is a `loom tune run` process, as a user starts it (the built CLI, a fresh store), timed
 * from its spawn:
 *
 * - ASHA against random search, both on `workers` trial threads with the same random-sampler
 *   seeds (so trial k is the same configuration in both): the wall time until some trial reports
 *   a validation accuracy >= the target. Random search runs every trial to the file's largest
 *   budget; ASHA starts trials at the file's minBudget (a third of an epoch) and promotes the
 *   best third of each rung. Both end at the target (`--stop-at`; running trials finish); a
 *   search that never reaches it counts its whole length (a lower bound, which understates its
 *   time).
 * - trials per hour with 2 trial threads against 1: random search, FIFO, fixed-length trials at
 *   batch 128; trials over the whole process's wall time, its start and its threads' included.
 *
 * Needs Debian's dataset-fashion-mnist and the built CLI (npm run build).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfigFile } from '../../src/config/load.js';
import { openJournals } from '../../src/store/index.js';
import type { JournalOp } from '../../src/tune/index.js';
import type { TrialWorkerMode } from '../../src/tune/training/trial-worker-protocol.js';
import { median, printTable, round3 } from './report.js';

export interface SearchComparison {
  readonly seeds: number;
  /** The first sampler seed (seeds firstSeed .. firstSeed + seeds - 1). */
  readonly firstSeed?: number;
  /** ASHA's smallest budget in epochs (its grace period; default the example's). */
  readonly ashaMinBudget?: number;
  /** The stated validation accuracy. */
  readonly target: number;
  /** Also shown: the times to these accuracies (those above the target are never reached: searches stop there). */
  readonly thresholds: readonly number[];
  readonly workers: number;
  readonly ashaTrials: number;
  readonly randomTrials: number;
}

interface StudyTiming {
  /** Per threshold: seconds from the process's spawn to the first report >= it, or null if none reached it. */
  readonly toThreshold: ReadonlyMap<number, number | null>;
  /** The process's wall time. */
  readonly seconds: number;
  readonly trials: number;
  readonly best: number;
}

type RawTuneFile = Record<string, unknown> & { objective: Record<string, unknown> & { config: Record<string, unknown> } };

const LOOM = fileURLToPath(new URL('../../bin/loom.js', import.meta.url));
const example = (): RawTuneFile => readConfigFile(fileURLToPath(new URL('../../examples/tune-fashion-mlp-asha.yaml', import.meta.url))) as RawTuneFile;

/** The example's largest budget (its scheduler's maxBudget): the length of a random-search trial. */
export const exampleMaxBudget = (): number => (example().scheduler as { maxBudget: number }).maxBudget;

function runLoom(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOOM, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`loom ${args.join(' ')} exited with ${code}: ${stderr.trim()}`))));
  });
}

/** Runs `file` (its store and checkpoints in a fresh directory) with `loom tune run`, ending at `target` if given. */
async function timeStudy(file: RawTuneFile, thresholds: readonly number[], target: number | null): Promise<StudyTiming> {
  const dir = mkdtempSync(join(tmpdir(), 'loom-bench-tune-'));
  try {
    const store = join(dir, 'studies.sqlite');
    const path = join(dir, 'tune.json');
    writeFileSync(path, JSON.stringify({ ...file, store, objective: { ...file.objective, checkpoints: join(dir, 'ck') } }));
    const spawned = Date.now();
    await runLoom(['tune', 'run', path, '--plain', ...(target === null ? [] : ['--stop-at', String(target)])]);
    const seconds = (Date.now() - spawned) / 1000;
    const db = await openJournals(store);
    try {
      const entries = await db.open<JournalOp>(String(file.name)).read(0);
      const toThreshold = new Map<number, number | null>(thresholds.map((x) => [x, null]));
      let trials = 0;
      let best = -Infinity;
      for (const { op } of entries) {
        if (op.op === 'create') trials++;
        if (op.op !== 'report') continue;
        best = Math.max(best, op.value);
        for (const x of thresholds) if (toThreshold.get(x) === null && op.value >= x) toThreshold.set(x, (op.at - spawned) / 1000);
      }
      return { toThreshold, seconds, trials, best };
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Seconds to reach `x`, or the search's whole length when it never did (a lower bound). */
const timeTo = (t: StudyTiming, x: number): number => t.toThreshold.get(x) ?? t.seconds;
const shown = (t: StudyTiming, x: number): string => (t.toThreshold.get(x) === null ? `>${round3(t.seconds)}` : String(round3(timeTo(t, x))));

/** Median over seeds of random search's time to each threshold over ASHA's, and a row per seed and search. */
export async function ashaAgainstRandom(o: SearchComparison): Promise<{ speedups: Map<number, number>; headers: string[]; rows: (string | number)[][] }> {
  const thresholds = [...new Set([...o.thresholds, o.target])].sort((a, b) => a - b);
  const base = example();
  const rows: (string | number)[][] = [];
  const runs: { asha: StudyTiming; random: StudyTiming }[] = [];
  const first = o.firstSeed ?? 0;
  const scheduler = { ...(base.scheduler as Record<string, unknown>), ...(o.ashaMinBudget !== undefined ? { minBudget: o.ashaMinBudget } : {}) };
  for (let seed = first; seed < first + o.seeds; seed++) {
    const sampler = { type: 'random', seed };
    const asha = await timeStudy({ ...base, name: `asha-${seed}`, sampler, scheduler, workers: o.workers, trials: o.ashaTrials }, thresholds, o.target);
    const random = await timeStudy({ ...base, name: `random-${seed}`, sampler, scheduler: { type: 'fifo' }, workers: o.workers, trials: o.randomTrials }, thresholds, o.target);
    runs.push({ asha, random });
    for (const [name, t] of [['asha', asha], ['random', random]] as const) {
      rows.push([seed, name, ...thresholds.map((x) => shown(t, x)), t.trials, round3(t.seconds), round3(t.best)]);
    }
  }
  const speedups = new Map(thresholds.map((x) => [x, median(runs.map((r) => timeTo(r.random, x))) / median(runs.map((r) => timeTo(r.asha, x)))]));
  return { speedups, headers: ['seed', 'search', ...thresholds.map((x) => `to ${x} s`), 'trials', 'process s', 'best acc'], rows };
}

/** Trials per hour of random search (FIFO) with `workers` trial threads (or processes): `trials` trials of `epochs` epochs at batch 128. */
export async function trialsPerHour(workers: number, trials: number, epochs: number, mode: TrialWorkerMode = 'threads'): Promise<number> {
  const base = example();
  const file: RawTuneFile = {
    ...base,
    name: `throughput-${workers}`,
    scheduler: { type: 'fifo' },
    workers,
    workerMode: mode,
    trials,
    objective: { ...base.objective, config: { ...base.objective.config, train: { epochs, batchSize: 128, logEvery: 1000 } } },
    space: { ...(base.space as Record<string, unknown>), 'train.batchSize': { type: 'categorical', choices: [128] } },
  };
  const t = await timeStudy(file, [], null);
  return (t.trials / t.seconds) * 3600;
}

export interface ThroughputSetting {
  readonly trials: number;
  /** Trial lengths to measure; the first is the one the summary's ratio is taken at. */
  readonly epochs: readonly number[];
  /** Pairs of 1-thread and 2-thread runs per length, in the order 1 2 2 1 1 2 ... so that a drift in the machine's speed cancels. */
  readonly repeats: number;
  /** Trial threads (the default) or trial processes. */
  readonly mode: TrialWorkerMode;
}

/** Trials per hour on 1 and 2 threads at each trial length: the means over `repeats` interleaved runs. */
async function throughputTable(o: ThroughputSetting): Promise<{ ratios: number[]; rows: (string | number)[][] }> {
  const ratios: number[] = [];
  const rows: (string | number)[][] = [];
  for (const epochs of o.epochs) {
    const rates = { 1: [] as number[], 2: [] as number[] };
    for (let r = 0; r < o.repeats; r++) {
      for (const workers of r % 2 === 0 ? ([1, 2] as const) : ([2, 1] as const)) rates[workers].push(await trialsPerHour(workers, o.trials, epochs, o.mode));
    }
    const one = rates[1].reduce((a, b) => a + b, 0) / o.repeats;
    const two = rates[2].reduce((a, b) => a + b, 0) / o.repeats;
    ratios.push(two / one);
    rows.push([epochs, rates[1].map(Math.round).join(' / '), rates[2].map(Math.round).join(' / '), round3(two / one)]);
  }
  return { ratios, rows };
}

/** Both measurements, printed (`seeds: 0` skips the search comparison, `repeats: 0` the throughput); returns the summary keys of bench:tune. */
export async function benchTraining(
  o: SearchComparison & { readonly throughput: ThroughputSetting },
): Promise<{ asha_speedup_vs_random: number | null; parallel_speedup_2w: number | null }> {
  let speedup: number | null = null;
  if (o.seeds > 0) {
    const { speedups, headers, rows } = await ashaAgainstRandom(o);
    process.stdout.write(`ASHA vs random search on Fashion-MNIST MLP trainings (${exampleMaxBudget()} epochs at most), ${o.workers} trial threads: seconds from the start of \`loom tune run\` until a validation accuracy >= each threshold (searches stop at ${o.target})\n`);
    printTable(headers, rows);
    process.stdout.write(`median speedup (random / ASHA): ${[...speedups].map(([x, s]) => `${x}: ${round3(s)}`).join(', ')}\n`);
    speedup = round3(speedups.get(o.target) as number);
  }
  if (o.throughput.repeats === 0) return { asha_speedup_vs_random: speedup, parallel_speedup_2w: null };
  const { ratios, rows } = await throughputTable(o.throughput);
  const unit = o.throughput.mode === 'threads' ? 'thread' : 'process';
  process.stdout.write(`trials per hour of \`loom tune run\` (${o.throughput.trials} random-search trials of E epochs at batch 128, over the process's wall time; ${o.throughput.repeats} runs each, interleaved; workerMode ${o.throughput.mode}):\n`);
  printTable(['epochs E', `1 ${unit}`, `2 ${unit === 'thread' ? 'threads' : 'processes'}`, 'ratio of means'], rows);
  return { asha_speedup_vs_random: speedup, parallel_speedup_2w: round3(ratios[0]) };
}
