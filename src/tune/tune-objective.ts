/**
 * The objective a tune file names, made ready to run: its default direction, and one objective
 * per concurrent tuner loop (`workers`) — for a training objective each loop owns a trial worker (a thread or a process),
 * closed with `close`.
 */
import { dirname, join, resolve } from 'node:path';
import { readConfigFile } from '../config/load.js';
import { loadDataset, withoutHoldOut } from '../data/index.js';
import { LoomError } from '../util/errors.js';
import { ensureWritableDir } from '../util/output-dir.js';
import { benchmarkFunction, type BenchmarkFunction } from './objectives/index.js';
import type { Scheduler } from './schedulers/scheduler.js';
import { buildSearchSpace, suggestSpace, type SpaceParam } from './space/search-space.js';
import type { Objective } from './study/study.js';
import type { TrialHandle } from './study/trial-handle.js';
import type { Direction } from './study/trial.js';
import { metricDirection, TrainingObjective } from './training/training-objective.js';
import { TrialWorker } from './training/trial-worker.js';
import type { TuneFile } from './tune-file.js';

export interface ReadyObjective {
  readonly direction: Direction;
  /** One per tuner loop of this process. */
  readonly loops: readonly Objective[];
  close(): Promise<void>;
}

/** `baseDir`: where a training objective's config path is relative to (the tune file's directory). */
export function readyObjective(file: TuneFile, scheduler: Scheduler | undefined, baseDir: string): ReadyObjective {
  const objective = file.objective;
  if (objective.type === 'function') {
    const fn = benchmarkFunction(objective.name, objective.dimensions);
    const space = file.space ? buildSearchSpace(file.space) : functionSpace(fn);
    const loop: Objective = (trial) => evaluateFunction(fn, space, trial, objective.delayMs);
    return { direction: 'minimize', loops: Array.from({ length: file.workers }, () => loop), close: async () => {} };
  }
  if (!file.space) throw new LoomError('search space: a training objective needs a space: section (config keys like optimizer.lr)');
  const base = typeof objective.config === 'string' ? readConfigFile(resolve(baseDir, objective.config)) : objective.config;
  if (typeof base !== 'object' || base === null || Array.isArray(base)) throw new LoomError(`objective.config: expected a training config (a mapping); got ${typeof base}`);
  const checkpointDir = objective.checkpoints ?? join('runs', 'tune', file.name);
  const training = new TrainingObjective({
    spec: objective,
    base: base as Record<string, unknown>,
    space: buildSearchSpace(file.space),
    maxBudget: scheduler ? scheduler.maxBudget : null,
    checkpointDir,
  });
  // Refused now, in one line, rather than by the first trial's run; after the base config is known
  // valid, so a refused config leaves no directory behind.
  ensureWritableDir(checkpointDir, 'tune checkpoint directory');
  const data = training.baseData;
  if (data.name !== 'text') {
    // Loaded here once: a validation split the training set cannot spare is refused before any
    // trial starts, and trial threads read this decoded copy instead of each decoding its own.
    const { train } = loadDataset(withoutHoldOut(data), { shareWithThreads: file.workerMode === 'threads' });
    if (objective.validation >= train.size) {
      throw new LoomError(`objective.validation = ${objective.validation} must be less than the ${train.size} samples of the base config's training set`);
    }
  }
  const workers = Array.from({ length: file.workers }, () => new TrialWorker(file.workerMode));
  return {
    direction: metricDirection(objective.metric),
    loops: workers.map((worker) => training.objective(worker)),
    close: async () => {
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}

/** The directory a tune file's relative paths start from. */
export const tuneFileDir = (path: string): string => dirname(resolve(path));

/** The parameters a tune file searches: its space: section, else a function objective's own (null: none given). */
export function tuneFileSpace(file: TuneFile): SpaceParam[] | null {
  if (file.space) return buildSearchSpace(file.space);
  return file.objective.type === 'function' ? functionSpace(benchmarkFunction(file.objective.name, file.objective.dimensions)) : null;
}

function functionSpace(fn: BenchmarkFunction): SpaceParam[] {
  return Object.entries(fn.space).map(([name, distribution]) => ({ name, distribution, when: new Map() }));
}

/**
 * One trial of a closed-form function: its value at the trial's budget (the function's full
 * fidelity without one), after `delayMs` (a stand-in for a trial's training time).
 */
async function evaluateFunction(fn: BenchmarkFunction, space: readonly SpaceParam[], trial: TrialHandle, delayMs: number): Promise<number> {
  const params = suggestSpace(trial, space);
  if (delayMs > 0) {
    // The parameters reach the journal before the wait (sent with a heartbeat), as a training's
    // do before it trains: should this tuner be lost meanwhile, the trial's retry runs the same point.
    await trial.heartbeat();
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  if (trial.budget === null) return fn.evaluate(params, undefined, trial.number);
  const value = fn.evaluate(params, trial.budget, trial.number);
  await trial.report(trial.budget, value);
  return value;
}
