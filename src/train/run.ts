/**
 * Builds a training run from a validated config (the composition root of single-worker training):
 * backend, data, model, optimizer, schedule, metrics, checkpoints, and resume.
 */
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import type { LoomConfig } from '../config/schema.js';
import { validateConfig } from '../config/load.js';
import { initBackend } from '../compute/index.js';
import { loadDataset, TextDataset, type DatasetSplit } from '../data/index.js';
import { createModel, type Model } from '../nn/index.js';
import { createOptimizer, createSchedule, scaledLearningRate, type Optimizer, type OptimizerSpec } from '../optim/index.js';
import { LoomError, showValue } from '../util/errors.js';
import { loadCheckpoint, type Checkpoint, type RankState } from './checkpoint.js';
import { MetricsStream, metricsFileIn } from './metrics.js';
import { stepsPerEpoch, Trainer } from './trainer.js';
import type { StepKit } from './step-kit.js';
import type { WorkerGroup } from './worker-group.js';

export interface PreparedRun {
  readonly config: LoomConfig;
  readonly data: DatasetSplit;
  readonly model: Model;
  readonly optimizer: Optimizer;
  readonly trainer: Trainer;
  /** The step primitives (what a strategy other than the synchronous loop composes). */
  readonly kit: StepKit;
  readonly metrics: MetricsStream;
  readonly totalSteps: number;
  readonly startStep: number;
  readonly baseLr: number;
  readonly checkpointPath: string | null;
}

export interface PrepareOptions {
  /** Resume from this checkpoint file or decoded checkpoint (same model and optimizer). */
  readonly resume?: string | Checkpoint;
  /** Builds this worker's data-parallel group once the model exists and holds its starting parameters (default: alone). */
  readonly group?: (model: Model, data: DatasetSplit, resumed: RankState | null) => WorkerGroup | Promise<WorkerGroup>;
  /** Already-loaded data (virtual ranks share one copy). */
  readonly data?: DatasetSplit;
  /** Where rank 0's checkpoints go (default: written to output.dir/checkpoint.ckpt). */
  readonly writeCheckpoint?: (checkpoint: Checkpoint) => void | Promise<void>;
  /** This rank of how many (a checkpoint that holds every rank's state gives this one its own). */
  readonly rank?: { readonly index: number; readonly size: number };
  /** Append records to output.dir/metrics.jsonl (default true; a rank whose driver records them says false). */
  readonly metricsFile?: boolean;
}

/** The step train.untilEpoch ends at: the nearest to it, at least the first. */
export function untilStep(untilEpoch: number, perEpoch: number): number {
  return Math.max(1, Math.round(untilEpoch * perEpoch));
}

export async function prepareRun(config: LoomConfig, options: PrepareOptions = {}): Promise<PreparedRun> {
  await initBackend(config.backend ? { backend: config.backend } : {});
  const data = options.data ?? loadDataset(config.data);
  const model = buildModel(config, data);
  const { batchSize } = config.train;
  const perEpoch = stepsPerEpoch(data.train.size, batchSize);
  const totalSteps = config.train.steps ?? (config.train.epochs ?? 1) * perEpoch;
  const baseLr = effectiveLearningRate(config);
  const optimizer = createOptimizer(optimizerSpec(config), { length: model.params.length, segments: model.segments });
  const schedule = createSchedule(config.schedule, baseLr, totalSteps);

  let startStep = 0;
  // The state this rank resumed from (its own where the checkpoint holds every rank's), for the group's own buffers.
  let resumedState: RankState | null = null;
  if (options.resume) {
    const source = typeof options.resume === 'string' ? options.resume : 'the resumed checkpoint';
    const ckpt = typeof options.resume === 'string' ? loadCheckpoint(options.resume) : options.resume;
    checkResumable(ckpt, config, model, source);
    // A checkpoint of ranks whose states differ gives each rank its own back, if the job has as many.
    const own = options.rank && ckpt.ranks?.length === options.rank.size ? ckpt.ranks[options.rank.index]! : ckpt;
    resumedState = own;
    model.params.set(own.params);
    optimizer.loadState({ kind: own.optimizer.kind, step: own.optimizer.step, buffers: own.optimizer.buffers });
    startStep = ckpt.step;
  }
  const group = options.group ? await options.group(model, data, resumedState) : undefined;

  const dir = config.output.dir;
  const metrics = new MetricsStream(options.metricsFile !== false ? metricsFileIn(dir) : undefined);
  const checkpointPath = dir ? join(dir, 'checkpoint.ckpt') : null;
  const vocabulary = data.train instanceof TextDataset ? data.train.vocabulary : undefined;
  const trainer = new Trainer({
    model,
    optimizer,
    schedule,
    train: data.train,
    test: data.test,
    batchSize,
    totalSteps,
    seed: config.seed,
    ...(config.train.evalEvery ? { evalEvery: config.train.evalEvery } : {}),
    evalBatchSize: config.train.evalBatchSize,
    ...(config.train.evalLimit ? { evalLimit: config.train.evalLimit } : {}),
    logEvery: config.train.logEvery,
    metrics,
    startStep,
    // train.untilEpoch: end there (checkpointed), the schedule still spanning every epoch.
    ...(config.train.untilEpoch !== undefined ? { stopAtStep: untilStep(config.train.untilEpoch, perEpoch) } : {}),
    accumulationSteps: config.train.accumulationSteps,
    ...(group ? { group } : {}),
    ...(checkpointPath
      ? {
          checkpoint: {
            path: checkpointPath,
            ...(config.output.checkpointEvery ? { every: config.output.checkpointEvery } : {}),
            config,
            ...(vocabulary !== undefined ? { extra: { vocabulary } } : {}),
            ...(options.writeCheckpoint ? { write: options.writeCheckpoint } : {}),
          },
        }
      : {}),
  });
  return { config, data, model, optimizer, trainer, kit: trainer.kit, metrics, totalSteps, startStep, baseLr, checkpointPath };
}

/** The config's model, shaped for the data (initialised from the config's seed). */
export function buildModel(config: LoomConfig, data: DatasetSplit): Model {
  return createModel(config.model, {
    inputShape: data.train.inputShape,
    numClasses: data.train.numClasses,
    seed: config.seed,
  });
}

/** The learning rate after the config's batch-size scaling rule. */
export function effectiveLearningRate(config: LoomConfig): number {
  const { lr, scaleLr = 'none', referenceBatch = 256 } = config.optimizer;
  if (scaleLr === 'none') return lr;
  return scaledLearningRate(lr, config.train.batchSize, referenceBatch, scaleLr);
}

/** The optimizer spec of a config (its learning-rate fields, which the schedule uses, taken out). */
export function optimizerSpec(config: LoomConfig): OptimizerSpec {
  const { lr: _lr, scaleLr: _scale, referenceBatch: _ref, ...spec } = config.optimizer;
  return spec;
}

/** Refuses a checkpoint that does not belong to this run's model and optimizer. */
function checkResumable(ckpt: Checkpoint, config: LoomConfig, model: Model, path: string): void {
  const saved = readSavedConfig(ckpt, path);
  if (!isDeepStrictEqual(saved.model, config.model) || ckpt.params.length !== model.params.length) {
    throw new LoomError(
      `checkpoint ${path} is of model ${showValue(saved.model)} (${ckpt.params.length} params) ` +
        `but the config asks for ${showValue(config.model)} (${model.params.length} params)`,
    );
  }
  if (saved.optimizer.type !== config.optimizer.type) {
    throw new LoomError(
      `checkpoint ${path} was trained with optimizer ${showValue(saved.optimizer.type)} but the config asks for ${showValue(config.optimizer.type)}`,
    );
  }
}

/** The config stored in a checkpoint, validated like a user config. */
export function readSavedConfig(ckpt: Checkpoint, path: string): LoomConfig {
  try {
    return validateConfig(ckpt.config);
  } catch (err) {
    throw new LoomError(`checkpoint ${path} holds an invalid config: ${(err as Error).message}`, { cause: err });
  }
}
