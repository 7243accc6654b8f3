/**
 * Runs the study a tune file describes in this process: opens its store (creating the study or
 * joining it — several `loom tune run` processes on one store share the work), and runs trials
 * until the study holds `trials`, each trial's values reported to the scheduler.
 */
import { openJournals, type JournalDatabase } from '../store/index.js';
import { benchmarkFunction, type BenchmarkFunction } from './objectives/index.js';
import { createSampler, createScheduler } from './registry.js';
import { buildSearchSpace, suggestSpace, type SpaceParam } from './space/search-space.js';
import type { JournalOp } from './study/journal.js';
import { Study } from './study/study.js';
import type { TrialHandle } from './study/trial-handle.js';
import type { FrozenTrial } from './study/trial.js';
import type { TuneFile } from './tune-file.js';

export interface TuneRunOptions {
  /** Called after each trial this process ends. */
  readonly onTrial?: (trial: FrozenTrial, study: Study) => void;
  /** Overrides the file's trial count. */
  readonly trials?: number;
}

function functionSpace(fn: BenchmarkFunction): SpaceParam[] {
  return Object.entries(fn.space).map(([name, distribution]) => ({ name, distribution, when: new Map() }));
}

/** One trial of a closed-form function: its value at the trial's budget (the function's full fidelity without one). */
async function evaluateFunction(fn: BenchmarkFunction, space: readonly SpaceParam[], trial: TrialHandle): Promise<number> {
  const params = suggestSpace(trial, space);
  if (trial.budget === null) return fn.evaluate(params, undefined, trial.number);
  const value = fn.evaluate(params, trial.budget, trial.number);
  await trial.report(trial.budget, value);
  return value;
}

export async function runTuneFile(file: TuneFile, options: TuneRunOptions = {}): Promise<{ study: Study; db: JournalDatabase }> {
  const fn = benchmarkFunction(file.objective.name, file.objective.dimensions);
  const space = file.space ? buildSearchSpace(file.space) : functionSpace(fn);
  const scheduler = createScheduler(file.scheduler);
  const db = await openJournals(file.store);
  try {
    const study = await Study.open({
      backend: db.open<JournalOp>(file.name),
      name: file.name,
      direction: file.direction ?? 'minimize',
      sampler: createSampler(file.sampler),
      ...(scheduler ? { scheduler } : {}),
    });
    await study.optimize((trial) => evaluateFunction(fn, space, trial), {
      trials: options.trials ?? file.trials,
      ...(options.onTrial ? { onTrial: (t: FrozenTrial) => options.onTrial?.(t, study) } : {}),
    });
    return { study, db };
  } catch (error) {
    await db.close();
    throw error;
  }
}
