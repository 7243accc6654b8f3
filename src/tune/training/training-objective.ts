/**
 * A real Loom training as a tuning objective: a base training config, the trial's parameters set
 * at their config paths (`optimizer.lr`, `model.hidden.0`, `train.batchSize`, ...), trained on
 * the training set minus held-out validation samples, the trial's value the validation accuracy
 * (or loss). A scheduler's budget is an epoch count: every trial's schedule spans the largest
 * budget, a trial trains up to its own budget, checkpoints in its own directory, and a paused
 * trial resumes from that checkpoint when it is promoted. The checkpoint a run ends with below
 * the largest budget is also kept as epoch-<E>.ckpt (attrs.checkpoints), for PBT to copy.
 *
 *     objective:
 *       type: training
 *       config: fashion-mlp.yaml     # relative to the tune file, or the config inline
 *       metric: accuracy             # or loss
 *       validation: 10000            # training samples held out (the trial config's data.holdOut)
 */
import { copyFileSync, linkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { validateConfig, withConfigValue } from '../../config/load.js';
import type { LoomConfig } from '../../config/schema.js';
import { LoomError } from '../../util/errors.js';
import type { Objective } from '../study/study.js';
import type { TrialHandle } from '../study/trial-handle.js';
import type { Direction } from '../study/trial.js';
import { suggestSpace, type SpaceParam } from '../space/search-space.js';
import type { TrialJob, TrialOutcome } from './trial-job.js';
import type { TrialWorker } from './trial-worker.js';

export const trainingObjectiveSchema = z.strictObject({
  type: z.literal('training'),
  /** A training config file (relative to the tune file) or the config itself. */
  config: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  metric: z.enum(['accuracy', 'loss']).default('accuracy'),
  validation: z.number().int().positive().default(10_000),
  /** Where trials keep their checkpoints and metrics (default runs/tune/<study>). */
  checkpoints: z.string().min(1).optional(),
});

export type TrainingObjectiveSpec = z.infer<typeof trainingObjectiveSchema>;

export const metricDirection = (metric: TrainingObjectiveSpec['metric']): Direction => (metric === 'accuracy' ? 'maximize' : 'minimize');

export interface TrainingObjectiveOptions {
  readonly spec: TrainingObjectiveSpec;
  /** The base config, raw (a file already read). */
  readonly base: Record<string, unknown>;
  readonly space: readonly SpaceParam[];
  /** The scheduler's largest budget in epochs, or null when trials run the config's epochs. */
  readonly maxBudget: number | null;
  readonly checkpointDir: string;
}

export class TrainingObjective {
  /** The base config's data: what every trial trains on, unless the space changes data keys. */
  readonly baseData: LoomConfig['data'];

  constructor(private readonly options: TrainingObjectiveOptions) {
    const { space } = options;
    // The base config must be a whole, valid config by itself; the trials only change values in it.
    try {
      this.baseData = validateConfig(this.withBudget(options.base, join(options.checkpointDir, 'base'))).data;
    } catch (error) {
      throw new LoomError(`objective.config: ${(error as Error).message}`, { cause: error });
    }
    for (const param of space) {
      if (!param.name.includes('.')) {
        throw new LoomError(`search space: parameter "${param.name}" is not a config path (a training objective's parameters are config keys like optimizer.lr)`);
      }
    }
  }

  /** The raw config of trial `number` with `params` set. */
  trialConfig(number: number, params: Readonly<Record<string, unknown>>): Record<string, unknown> {
    let raw: Record<string, unknown> = this.options.base;
    for (const [path, value] of Object.entries(params)) raw = withConfigValue(raw, path, value);
    return this.withBudget(raw, this.trialDir(number));
  }

  trialDir(number: number): string {
    return join(this.options.checkpointDir, `trial-${number}`);
  }

  /** Where trial `number`'s runs leave their checkpoint (output.dir/checkpoint.ckpt of its config). */
  private checkpointPath(number: number): string {
    return join(this.trialDir(number), 'checkpoint.ckpt');
  }

  /** The objective for one tuner loop, running its trials on `worker`. */
  objective(worker: TrialWorker): Objective {
    return (trial) => this.runTrial(trial, worker);
  }

  private async runTrial(trial: TrialHandle, worker: TrialWorker): Promise<number> {
    const params = suggestSpace(trial, this.options.space);
    const config = this.trialConfig(trial.number, params);
    validateConfig(config); // a value the config refuses fails this trial with the config's message
    // A paused trial continues from its own checkpoint; a PBT exploit starts from the one it copied.
    const resumeFrom = trial.resumed ? stringAttr(trial, 'checkpoint') : stringAttr(trial, 'startFrom');
    const job: TrialJob = {
      trial: trial.number,
      // Trained up to the trial's budget, then checkpointed; the config's epochs without one.
      config: trial.budget === null ? config : withConfigValue(config, 'train.untilEpoch', trial.budget),
      metric: this.options.spec.metric,
      resumeFrom,
    };
    if (!trial.resumed) await trial.setAttrs({ checkpoint: this.checkpointPath(trial.number) });
    // Reports go to the scheduler in epoch order; its first word other than continue ends the run.
    let reports = Promise.resolve();
    let ended = false;
    // A report that throws (a scheduler refusing the space) ends the run too, and is thrown once the worker stops.
    const failed: unknown[] = [];
    const onReport = (epoch: number, value: number): void => {
      reports = reports.then(async () => {
        if (ended) return;
        try {
          // Kept before the report that pauses the trial, so that whoever sees it paused finds the copy.
          if (epoch === trial.budget && this.options.maxBudget !== null && epoch < this.options.maxBudget) await this.keepCheckpoint(trial, epoch);
          if ((await trial.report(epoch, value)) === 'continue') return;
        } catch (error) {
          failed.push(error);
        }
        ended = true;
        worker.stop();
      });
    };
    let outcome: TrialOutcome;
    try {
      outcome = await worker.run(job, onReport);
    } catch (error) {
      // Settled before the loop's next trial starts on this worker, so that no report of this
      // run, still being handled, stops that one.
      ended = true;
      await reports;
      throw error;
    }
    await reports;
    if (failed.length > 0) throw failed[0];
    return outcome.value;
  }

  /**
   * Keeps the checkpoint of epoch `epoch` as epoch-<E>.ckpt and adds it to attrs.checkpoints
   * (the whole map: attrs merge shallowly). The trial's next run replaces checkpoint.ckpt, but a
   * PBT member started from this trial at E reads the kept file, which nothing overwrites.
   */
  private async keepCheckpoint(trial: TrialHandle, epoch: number): Promise<void> {
    const current = this.checkpointPath(trial.number);
    const kept = join(this.trialDir(trial.number), `epoch-${epoch}.ckpt`);
    rmSync(kept, { force: true });
    try {
      // checkpoint.ckpt is written by rename, so a hard link keeps this content without a copy.
      linkSync(current, kept);
    } catch {
      copyFileSync(current, kept);
    }
    const earlier = trial.attrs.checkpoints;
    const map = typeof earlier === 'object' && earlier !== null ? (earlier as Record<string, unknown>) : {};
    await trial.setAttrs({ checkpoints: { ...map, [String(epoch)]: kept } });
  }

  private withBudget(raw: Record<string, unknown>, dir: string): Record<string, unknown> {
    // Checkpoints at the end of each run only; evaluation once per epoch (the reports).
    const { checkpointEvery: _every, ...output } = (raw.output as Record<string, unknown> | undefined) ?? {};
    const { evalEvery: _eval, ...train } = (raw.train as Record<string, unknown> | undefined) ?? {};
    if (train.steps !== undefined) throw new LoomError(`objective.config: train.steps = ${String(train.steps)} is set, but a training objective counts in epochs: set train.epochs instead`);
    // Evaluated on held-out training samples; a text dataset's own validation split is held out already.
    const data = raw.data as Record<string, unknown> | undefined;
    const held = data && data.name !== 'text' ? { ...data, holdOut: this.options.spec.validation } : data;
    const config = { ...raw, data: held, output: { ...output, dir }, train };
    return this.options.maxBudget === null ? config : withConfigValue(config, 'train.epochs', this.options.maxBudget);
  }
}

function stringAttr(trial: TrialHandle, name: string): string | null {
  const value = trial.attrs[name];
  return typeof value === 'string' ? value : null;
}
