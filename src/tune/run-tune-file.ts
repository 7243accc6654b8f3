/**
 * Runs the study a tune file describes in this process: opens its store (creating the study or
 * joining it — several `loom tune run` processes on one store share the work), and runs trials
 * until the study holds `trials`, each trial's values reported to the scheduler; `workers` trials
 * at a time.
 */
import { openJournals, type JournalDatabase } from '../store/index.js';
import { createSampler, createScheduler } from './registry.js';
import type { JournalOp } from './study/journal.js';
import { Study } from './study/study.js';
import type { FrozenTrial } from './study/trial.js';
import { readyObjective, tuneFileSpace } from './tune-objective.js';
import type { TuneFile } from './tune-file.js';

export interface TuneRunOptions {
  /** Called after each trial this process ends. */
  readonly onTrial?: (trial: FrozenTrial, study: Study) => void;
  /** Overrides the file's trial count. */
  readonly trials?: number;
  /** Where the file's relative paths start (its directory; default the working directory). */
  readonly baseDir?: string;
  /** Checked before each new trial: true ends the search early (e.g. a target value was reached). */
  readonly stop?: (study: Study) => boolean;
  /**
   * Ends the search once some trial has reported a value at least this good (>= when the study
   * maximizes, <= when it minimizes; intermediate reports count). Running trials still finish.
   */
  readonly stopAt?: number;
}

/** Whether some trial of `study` has reported (or ended with) a value at least as good as `target`. */
export function reachedValue(study: Study, target: number): boolean {
  const good = study.direction === 'maximize' ? (v: number) => v >= target : (v: number) => v <= target;
  return study.trials().some((t) => (t.value !== null && good(t.value)) || [...t.intermediate.values()].some(good));
}

export async function runTuneFile(file: TuneFile, options: TuneRunOptions = {}): Promise<{ study: Study; db: JournalDatabase }> {
  const trials = options.trials ?? file.trials;
  const scheduler = createScheduler(file.scheduler, { trials });
  const sampler = createSampler(file.sampler, tuneFileSpace(file) ?? undefined);
  const objective = readyObjective(file, scheduler, options.baseDir ?? process.cwd());
  const db = await openJournals(file.store);
  try {
    const study = await Study.open({
      backend: db.open<JournalOp>(file.name),
      name: file.name,
      direction: file.direction ?? objective.direction,
      sampler,
      ...(scheduler ? { scheduler } : {}),
      staleAfterMs: file.heartbeat.staleAfterSeconds * 1000,
      retries: file.heartbeat.retries,
    });
    const optimize = {
      trials,
      ...(options.onTrial ? { onTrial: (t: FrozenTrial) => options.onTrial?.(t, study) } : {}),
      ...(options.stop || options.stopAt !== undefined
        ? { stop: () => (options.stop?.(study) ?? false) || (options.stopAt !== undefined && reachedValue(study, options.stopAt)) }
        : {}),
    };
    await Promise.all(objective.loops.map((loop) => study.optimize(loop, optimize)));
    return { study, db };
  } catch (error) {
    await db.close();
    throw error;
  } finally {
    await objective.close();
  }
}
