/**
 * A tune file: the study (name, store, direction), the objective, its search space, the sampler,
 * the scheduler and how many trials — what `loom tune run <file>` reads.
 *
 *     name: branin-tpe
 *     store: runs/tune/studies.sqlite     # or postgresql://user@host/db
 *     objective: { type: function, name: branin }
 *     sampler: { type: tpe, seed: 1 }
 *     trials: 100
 *     heartbeat: { staleAfterSeconds: 60, retries: 1 }   # when a lost tuner's trials run again
 */
import { z } from 'zod';
import { validateWith } from '../config/load.js';
import { searchSpaceSchema } from './space/search-space.js';
import { trainingObjectiveSchema } from './training/training-objective.js';
import { TRIAL_WORKER_MODES } from './training/trial-worker-protocol.js';

const component = z.object({ type: z.string().min(1) }).catchall(z.unknown());

export const tuneFileSchema = z.strictObject({
  name: z.string().min(1),
  /** An SQLite file path or a postgresql:// URL (default runs/tune/studies.sqlite). */
  store: z.string().min(1).default('runs/tune/studies.sqlite'),
  /** Default: the objective's own (minimize for the benchmark functions, maximize for accuracy). */
  direction: z.enum(['minimize', 'maximize']).optional(),
  objective: z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('function'),
      name: z.string().min(1),
      dimensions: z.number().int().positive().optional(),
      /** Milliseconds each trial run sleeps before its value: for tests and demos of parallel or killed tuners. */
      delayMs: z.number().int().nonnegative().default(0),
    }),
    trainingObjectiveSchema,
  ]),
  /** Trials this process runs at once (a training objective runs each on its own thread or process). */
  workers: z.number().int().positive().default(1),
  /**
   * Where a training objective's trials run: worker threads of this process (sharing its decoded
   * dataset), or child processes (a Node start and a copy of the data each, but a crash or an
   * out-of-memory kill takes one trial only). Function objectives run in the tuner itself.
   */
  workerMode: z.enum(TRIAL_WORKER_MODES).default('threads'),
  /** The parameters to search; a function objective brings its own space when this is absent. */
  space: searchSpaceSchema.optional(),
  sampler: component.default({ type: 'tpe' }),
  scheduler: component.default({ type: 'fifo' }),
  trials: z.number().int().positive(),
  /**
   * A running trial whose tuner sends no heartbeat for staleAfterSeconds is failed and queued
   * again with the same parameters, at most `retries` times (a tuner of this machine whose process
   * is gone is recognised at once). Tuners sharing a study should agree on these.
   */
  heartbeat: z
    .strictObject({
      staleAfterSeconds: z.number().positive().default(60),
      retries: z.number().int().nonnegative().default(1),
    })
    .prefault({}),
});

export type TuneFile = z.infer<typeof tuneFileSchema>;

export function parseTuneFile(raw: unknown): TuneFile {
  return validateWith(tuneFileSchema, raw);
}
