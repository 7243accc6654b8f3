/**
 * The training config, validated by zod. Objects are strict: an unknown key is refused, so a typo
 * never silently falls back to a default.
 */
import { z } from 'zod';
import { OPTIMIZER_OPTIONS } from '../optim/options/index.js';

const positiveInt = z.number().int().positive();
const nonNegative = z.number().nonnegative();

/** Training samples held out to evaluate on instead of the test set (data/hold-out.ts); not for text, whose test split is already held out. */
const holdOut = { holdOut: positiveInt.optional() };

export const dataSchema = z.discriminatedUnion('name', [
  z.strictObject({
    name: z.literal('fashion-mnist'),
    ...holdOut,
    /** Directory of the four IDX files; default: Debian's /usr/share/datasets/fashion-mnist. */
    dir: z.string().min(1).optional(),
    limitTrain: positiveInt.optional(),
    limitTest: positiveInt.optional(),
  }),
  z.strictObject({ name: z.literal('fashion-mnist-subset'), ...holdOut }),
  z.strictObject({
    name: z.literal('blobs'),
    ...holdOut,
    classes: positiveInt.min(2),
    dims: positiveInt,
    trainSize: positiveInt,
    testSize: positiveInt,
    separation: z.number().positive().optional(),
    seed: z.number().int().optional(),
  }),
  z.strictObject({
    name: z.literal('linear'),
    ...holdOut,
    dims: positiveInt,
    trainSize: positiveInt,
    testSize: positiveInt,
    noise: nonNegative.optional(),
    seed: z.number().int().optional(),
  }),
  z.strictObject({
    name: z.literal('text'),
    /** A .txt or .txt.gz file; default: the shipped public-domain text. */
    path: z.string().min(1).optional(),
    context: positiveInt,
    stride: positiveInt.optional(),
    valFraction: z.number().gt(0).lt(1).optional(),
  }),
]);

export const modelSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('logreg') }),
  z.strictObject({
    type: z.literal('mlp'),
    hidden: z.array(positiveInt).optional(),
    activation: z.enum(['relu', 'tanh', 'gelu']).optional(),
  }),
  z.strictObject({
    type: z.literal('cnn'),
    channels: z.tuple([positiveInt, positiveInt]).optional(),
    hidden: z.array(positiveInt).optional(),
    activation: z.enum(['relu', 'tanh', 'gelu']).optional(),
  }),
  z.strictObject({
    type: z.literal('resnet'),
    stages: z.array(positiveInt).min(1).optional(),
    width: positiveInt.optional(),
    groups: positiveInt.optional(),
    activation: z.enum(['relu', 'tanh', 'gelu']).optional(),
  }),
  z.strictObject({
    type: z.literal('transformer'),
    layers: positiveInt.optional(),
    heads: positiveInt.optional(),
    width: positiveInt.optional(),
    context: positiveInt.optional(),
    mlpRatio: positiveInt.optional(),
  }),
]);

/** The fields the config adds to an optimizer's own options. */
const lrFields = {
  /** Base learning rate (before the schedule and any batch-size scaling). */
  lr: z.number().positive(),
  /** Batch-size scaling of `lr`: linear (Goyal et al. 2017) or sqrt, relative to `referenceBatch`. */
  scaleLr: z.enum(['none', 'linear', 'sqrt']).optional(),
  referenceBatch: positiveInt.optional(),
};

/**
 * Each optimizer's options are its own schema (optim/options/), defaults and cross-option rules
 * included, so a config accepts exactly what the optimizer does; the config adds the lr fields.
 */
export const optimizerSchema = z.discriminatedUnion('type', [
  OPTIMIZER_OPTIONS.sgd.safeExtend({ type: z.literal('sgd'), ...lrFields }),
  OPTIMIZER_OPTIONS.adam.safeExtend({ type: z.literal('adam'), ...lrFields }),
  OPTIMIZER_OPTIONS.adamw.safeExtend({ type: z.literal('adamw'), ...lrFields }),
  OPTIMIZER_OPTIONS.lars.safeExtend({ type: z.literal('lars'), ...lrFields }),
  OPTIMIZER_OPTIONS.lamb.safeExtend({ type: z.literal('lamb'), ...lrFields }),
]);

const warmup = { warmupSteps: z.number().int().nonnegative().optional() };
export const scheduleSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('constant'), ...warmup }),
  z.strictObject({ type: z.literal('step'), stepSize: positiveInt, gamma: z.number().positive(), ...warmup }),
  z.strictObject({
    type: z.literal('multistep'),
    milestones: z.array(positiveInt).min(1),
    gamma: z.number().positive(),
    ...warmup,
  }),
  z.strictObject({ type: z.literal('cosine'), minLr: nonNegative.optional(), ...warmup }),
]);

export const trainSchema = z
  .strictObject({
    /** Passes over the training set; give this or `steps`. */
    epochs: positiveInt.optional(),
    /** Total optimizer steps; give this or `epochs`. */
    steps: positiveInt.optional(),
    batchSize: positiveInt.default(128),
    /** Evaluate on the test split every N steps (default: once per epoch, and at the end). */
    evalEvery: positiveInt.optional(),
    evalBatchSize: positiveInt.default(1000),
    /** Limit evaluation to the first N test samples (default: all). */
    evalLimit: positiveInt.optional(),
    /** Emit a step record (and a plain progress line off a TTY) every N steps. */
    logEvery: positiveInt.default(50),
    /** Split each worker's slice of the batch into N micro-batches and sum their gradients. */
    accumulationSteps: positiveInt.default(1),
    /**
     * Stop after this epoch, checkpointed, the schedule still spanning train.epochs: a run trained
     * in pieces, each resumed from the last one's checkpoint (a paused tuning trial is one). A
     * fraction (0.25) ends at the step nearest to it, at least one step in.
     */
    untilEpoch: z.number().positive().finite().optional(),
  })
  .refine((t) => (t.epochs === undefined) !== (t.steps === undefined), {
    message: 'give exactly one of train.epochs and train.steps',
  })
  .refine((t) => t.untilEpoch === undefined || (t.epochs !== undefined && t.untilEpoch <= t.epochs), {
    message: 'train.untilEpoch needs train.epochs, and must not be past it',
    path: ['untilEpoch'],
  });

export const outputSchema = z.strictObject({
  /** Directory for metrics.jsonl, checkpoints and the final summary. */
  dir: z.string().min(1).optional(),
  /** Write a checkpoint every N steps (and always at the end) when `dir` is set. */
  checkpointEvery: positiveInt.optional(),
});

const linkFields = {
  /** One-way latency per message, microseconds. */
  latencyUs: nonNegative.default(50),
  /** Link bandwidth, gigabits per second. */
  bandwidthGbps: z.number().positive().default(10),
};

/**
 * The simulated network of virtual mode: an alpha-beta (latency-bandwidth) link between every pair
 * of ranks; with `ranksPerNode`, ranks are grouped into nodes and links between nodes are `interNode`.
 */
export const networkSchema = z.strictObject({
  ...linkFields,
  ranksPerNode: positiveInt.optional(),
  interNode: z.strictObject(linkFields).optional(),
});

/**
 * Stragglers: the listed ranks compute `slowdown` times slower for good, and every rank's every
 * step is `slowdown` times slower with probability `probability` (drawn from `seed`, rank and step).
 */
export const stragglersSchema = z
  .strictObject({
    ranks: z.array(z.number().int().nonnegative()).default([]),
    probability: z.number().min(0).max(1).default(0),
    slowdown: z.number().min(1).default(3),
    seed: z.number().int().nonnegative().default(0),
  })
  .refine((s) => s.ranks.length > 0 || s.probability > 0, { message: 'give ranks (slow for good) or a probability (slow steps)' });

export const distributedSchema = z.strictObject({
  /** Number of data-parallel workers (1: train in this process). */
  workers: positiveInt.default(1),
  /** threads (this machine), procs (child processes over loopback TCP), hosts (workers join by address), virtual (simulated). */
  mode: z.enum(['threads', 'procs', 'hosts', 'virtual']).default('threads'),
  /** Gradient bucket size in MB (PyTorch DDP: 25) and the first, smaller bucket (PyTorch: 1). */
  bucketMB: z.number().positive().default(25),
  firstBucketMB: z.number().positive().default(1),
  /**
   * All-reduce algorithm. auto: shared-memory in threads mode (ranks read each other's gradients in
   * place), else by message size from the measured alpha-beta model.
   */
  allreduce: z.enum(['auto', 'ring', 'halving-doubling', 'tree', 'shared-memory']).default('auto'),
  /** Timeout of one collective, seconds. */
  timeoutSec: z.number().positive().default(60),
  /**
   * What a dead or hung worker does to the job: fail (exit naming the rank), restart from the last
   * checkpoint with the survivors, or continue without it where the strategy can (an asynchronous
   * parameter server's workers other than the lead; else the job fails).
   */
  onFailure: z.enum(['fail', 'restart', 'continue']).default('fail'),
  /** A worker silent for this long counts as failed (procs and hosts). */
  failureTimeoutSec: z.number().positive().default(10),
  heartbeatSec: z.number().positive().default(1),
  /** hosts mode: where the coordinator listens ("host:port"), and the job token file. */
  listen: z.string().min(1).optional(),
  tokenFile: z.string().min(1).optional(),
  /** How long to wait for every worker to join, seconds. */
  joinTimeoutSec: z.number().positive().default(120),
  /**
   * virtual mode: how compute is charged to the simulated clock. calibrated: seconds per sample
   * measured once at start (or from computeGflops), the same for every rank and step, so simulated
   * times are deterministic; measured: each rank's own wall time of each step (shows real jitter).
   */
  virtualCompute: z.enum(['calibrated', 'measured']).default('calibrated'),
  /** virtual mode: model compute as the FLOP count at this rate (a what-if for a faster device). */
  computeGflops: z.number().positive().optional(),
  /** virtual mode: the simulated network. */
  network: networkSchema.default({ latencyUs: 50, bandwidthGbps: 10 }),
  /** Injected stragglers: slower compute on some ranks, charged to the clock in virtual mode and slept for real elsewhere. */
  stragglers: stragglersSchema.optional(),
}).superRefine((d, ctx) => {
  if (d.allreduce === 'shared-memory' && d.mode !== 'threads') {
    ctx.addIssue({ code: 'custom', path: ['allreduce'], message: `allreduce shared-memory needs ranks that share memory (mode threads), got mode ${d.mode}` });
  }
});

/** A robust-aggregation component as configs name it: `{ type: krum, neighbours: n-f-1 }` (options checked by robust/). */
const robustComponentSchema = z.object({ type: z.string().min(1) }).catchall(z.unknown());

/**
 * Byzantine-robust synchronous data parallelism: workers send gradients to an aggregating server
 * (rank 0, honest) that applies the pre-aggregators and the aggregator (or DRACO's majority
 * decoding); `byzantine.count` workers run `attack`.
 */
export const robustSchema = z
  .strictObject({
    aggregator: robustComponentSchema.optional(),
    /** The number of Byzantine workers the rule is built to tolerate (default: byzantine.count). */
    f: z.number().int().nonnegative().optional(),
    preAggregators: z.array(robustComponentSchema).default([]),
    byzantine: z
      .strictObject({
        count: z.number().int().nonnegative().default(0),
        /** Which ranks are Byzantine (default: the last `count`); rank 0 hosts the server and is honest. */
        ranks: z.array(z.number().int().nonnegative()).optional(),
        attack: robustComponentSchema.default({ type: 'sign-flipping' }),
        /** Omniscient attackers see the honest gradients; otherwise only their own workers' gradients. */
        omniscient: z.boolean().default(true),
      })
      .default({ count: 0, attack: { type: 'sign-flipping' }, omniscient: true }),
    /** How the training set is split among the honest workers. */
    heterogeneity: z
      .discriminatedUnion('type', [
        z.strictObject({ type: z.literal('iid') }),
        z.strictObject({ type: z.literal('dirichlet'), alpha: z.number().positive() }),
        z.strictObject({ type: z.literal('label-sorted') }),
      ])
      .default({ type: 'iid' }),
    /**
     * Worker momentum (Karimireddy, He, Jaggi, ICML 2021): each worker sends its momentum
     * m = beta m + (1 - beta) g instead of g, which shrinks the honest spread that attacks such
     * as ALIE hide in (pair it with an optimizer without momentum).
     */
    workerMomentum: z.number().min(0).max(0.999).optional(),
    /** DRACO: groups of r workers compute the same gradient; the server decodes by majority. */
    redundancy: z.strictObject({ type: z.literal('draco'), r: positiveInt }).optional(),
  })
  .refine((r) => (r.aggregator === undefined) !== (r.redundancy === undefined), {
    message: 'give exactly one of robust.aggregator and robust.redundancy (DRACO decodes by majority)',
  });

/**
 * How the workers train together: `{ type: ddp }` (the default), `{ type: ps, servers: 2,
 * consistency: ssp, staleness: 3 }`, ... The options are checked by the named strategy's own
 * schema (parallel/strategies.ts), before any worker starts.
 */
export const strategySchema = z.object({ type: z.string().min(1) }).catchall(z.unknown());

export const configSchema = z.strictObject({
  name: z.string().min(1).optional(),
  seed: z.number().int().nonnegative().default(1),
  backend: z.enum(['wasm', 'cpu']).optional(),
  data: dataSchema,
  model: modelSchema,
  optimizer: optimizerSchema,
  schedule: scheduleSchema.default({ type: 'constant' }),
  train: trainSchema,
  output: outputSchema.default({}),
  distributed: distributedSchema.default(() => distributedSchema.parse({})),
  strategy: strategySchema.optional(),
  robust: robustSchema.optional(),
});

export type LoomConfig = z.infer<typeof configSchema>;
export type DataConfig = z.infer<typeof dataSchema>;
export type ModelConfig = z.infer<typeof modelSchema>;
export type OptimizerConfig = z.infer<typeof optimizerSchema>;
export type ScheduleConfig = z.infer<typeof scheduleSchema>;
export type DistributedConfig = z.infer<typeof distributedSchema>;
export type RobustConfig = z.infer<typeof robustSchema>;
export type StrategyConfig = z.infer<typeof strategySchema>;
