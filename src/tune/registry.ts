/**
 * Samplers and schedulers by the names a tune file uses, each with its options checked (unknown
 * names and options are refused with the valid ones listed).
 */
import { z } from 'zod';
import { validateWith } from '../config/load.js';
import { LoomError, showValue } from '../util/errors.js';
import { BohbSampler } from './samplers/bohb.js';
import { GPSampler } from './samplers/gp.js';
import { GridSampler } from './samplers/grid.js';
import { RandomSampler } from './samplers/random.js';
import { SobolSampler } from './samplers/sobol.js';
import { TpeSampler } from './samplers/tpe.js';
import { AshaScheduler } from './schedulers/asha.js';
import { HyperbandScheduler } from './schedulers/hyperband.js';
import { MedianStoppingScheduler } from './schedulers/median-stopping.js';
import { PbtScheduler } from './schedulers/pbt.js';
import { SuccessiveHalvingScheduler } from './schedulers/successive-halving.js';
import type { Sampler } from './samplers/sampler.js';
import type { SpaceParam } from './space/search-space.js';
import type { Scheduler } from './schedulers/scheduler.js';

type Spec = { readonly type: string } & Readonly<Record<string, unknown>>;

function options<T extends z.ZodRawShape>(section: string, spec: Spec, shape: T): z.infer<z.ZodObject<T>> {
  const { type: _type, ...rest } = spec;
  try {
    return validateWith(z.strictObject(shape), rest) as z.infer<z.ZodObject<T>>;
  } catch (error) {
    throw new LoomError(`${section} (${spec.type}): ${(error as Error).message}`, { cause: error });
  }
}

const seed = z.number().int().nonnegative().default(0);

const gridValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** `space`: the tune file's search space, for samplers that use it up front (grid, sobol). */
const SAMPLERS: Record<string, (spec: Spec, space?: readonly SpaceParam[]) => Sampler> = {
  random: (spec) => new RandomSampler(options('sampler', spec, { seed }).seed),
  gp: (spec) =>
    new GPSampler(
      options('sampler', spec, {
        seed,
        startupTrials: z.number().int().nonnegative().default(10),
        candidates: z.number().int().positive().optional(),
        krigingBeliever: z.boolean().default(true),
      }),
    ),
  tpe: (spec) =>
    new TpeSampler(
      options('sampler', spec, {
        seed,
        multivariate: z.boolean().default(true),
        constantLiar: z.boolean().default(true),
        startupTrials: z.number().int().nonnegative().default(10),
        eiCandidates: z.number().int().positive().optional(),
        bandwidth: z.enum(['neighbours', 'scott']).default('neighbours'),
        bandwidthWeighting: z.enum(['above', 'both', 'none']).default('above'),
        priorWeight: z.number().positive().default(1),
      }),
    ),
  grid: (spec, space) => {
    const o = options('sampler', spec, {
      grid: z.record(z.string().min(1), z.array(gridValue)).optional(),
      pointsPerAxis: z.number().int().min(2).default(5),
      shuffle: z.boolean().default(false),
      seed,
    });
    return new GridSampler({ ...(o.grid ? { grid: o.grid } : {}), ...(space ? { space } : {}), pointsPerAxis: o.pointsPerAxis, shuffle: o.shuffle, seed: o.seed });
  },
  sobol: (spec, space) => new SobolSampler({ ...options('sampler', spec, { seed, scramble: z.boolean().default(true) }), ...(space ? { space } : {}) }),
  bohb: (spec) =>
    new BohbSampler(
      options('sampler', spec, {
        seed,
        /** Default d + 1 (d: the parameters modelled), which is also the least it can be. */
        minPoints: z.number().int().positive().optional(),
        topFraction: z.number().gt(0).lt(1).default(0.15),
        samples: z.number().int().positive().default(64),
        randomFraction: z.number().min(0).max(1).default(1 / 3),
        bandwidthFactor: z.number().positive().default(3),
        minBandwidth: z.number().gt(0).lt(1).default(1e-3),
      }),
    ),
};

/** What a scheduler may need of the run it schedules. */
export interface SchedulerContext {
  /** The configurations the run starts (a tune file's `trials`). */
  readonly trials?: number;
}

/**
 * Refuses a schedule that needs more configurations than the run starts: its first rungs (or
 * PBT's population) would wait for the rest forever, their trials paused for good.
 */
function needTrials(what: string, needed: number, context: SchedulerContext): void {
  if (context.trials !== undefined && context.trials < needed) throw new LoomError(`trials: ${what}, got ${context.trials}`);
}

/** A scheduler, or undefined for FIFO: every trial runs to its end, none is stopped or paused. */
const SCHEDULERS: Record<string, (spec: Spec, context: SchedulerContext) => Scheduler | undefined> = {
  fifo: (spec) => {
    options('scheduler', spec, {});
    return undefined;
  },
  asha: (spec, context) => {
    const o = options('scheduler', spec, {
      minBudget: z.number().positive().default(1),
      maxBudget: z.number().positive(),
      eta: z.number().int().min(2).default(3),
      minEarlyStoppingRate: z.number().int().nonnegative().default(0),
      /** Default: the run's trials (at the end, a trial is taken to maxBudget if none got there). */
      maxTrials: z.number().int().positive().optional(),
    });
    const maxTrials = o.maxTrials ?? context.trials;
    return new AshaScheduler({ ...o, ...(maxTrials !== undefined ? { maxTrials } : {}) });
  },
  'median-stopping': (spec) =>
    new MedianStoppingScheduler(
      options('scheduler', spec, {
        maxBudget: z.number().positive(),
        gracePeriod: z.number().nonnegative().default(0),
        minTrials: z.number().int().positive().default(3),
      }),
    ),
  'successive-halving': (spec, context) => {
    const o = options('scheduler', spec, {
      /** Default: the run's trials, every one of them in the bracket. */
      n: z.number().int().positive().optional(),
      minBudget: z.number().positive().default(1),
      maxBudget: z.number().positive(),
      eta: z.number().int().min(2).default(3),
    });
    const n = o.n ?? context.trials;
    if (n === undefined) throw new LoomError('scheduler (successive-halving): config key n is missing (the configurations to start; a tune file gives its trials)');
    needTrials(`successive-halving starts n = ${n} configurations before it decides a rung`, n, context);
    return new SuccessiveHalvingScheduler({ ...o, n });
  },
  hyperband: (spec, context) => {
    const o = options('scheduler', spec, {
      maxBudget: z.number().int().positive(),
      eta: z.number().int().min(2).default(3),
      /** Default: the run's trials, the brackets repeating until they are all started. */
      maxTrials: z.number().int().positive().optional(),
    });
    const maxTrials = o.maxTrials ?? context.trials;
    if (maxTrials !== undefined) needTrials(`hyperband's maxTrials = ${maxTrials} configurations would end in a bracket never filled`, maxTrials, context);
    return new HyperbandScheduler({ maxBudget: o.maxBudget, eta: o.eta, ...(maxTrials !== undefined ? { maxTrials } : {}) });
  },
  pbt: (spec, context) => {
    const pbt = new PbtScheduler(
      options('scheduler', spec, {
        population: z.number().int().min(2),
        interval: z.number().positive(),
        maxBudget: z.number().positive(),
        quantile: z.number().positive().max(0.5).default(0.25),
        resampleProbability: z.number().min(0).max(1).default(0.25),
        factors: z.array(z.number().positive()).min(1).default([0.8, 1.2]),
        mutations: z.array(z.string().min(1)).min(1),
        seed,
      }),
    );
    // Each member is one trial (its exploits are not counted): fewer would leave members paused for good.
    needTrials(`pbt needs at least population = ${pbt.population} trials (each member is one; exploits are not counted)`, pbt.population, context);
    return pbt;
  },
};

/** `space`: the search space the trials will suggest, when known up front (a tune file's). */
export function createSampler(spec: Spec, space?: readonly SpaceParam[]): Sampler {
  const make = SAMPLERS[spec.type];
  if (!make) throw new LoomError(`sampler.type: unknown sampler ${showValue(spec.type)} (valid: ${Object.keys(SAMPLERS).join(', ')})`);
  return make(spec, space);
}

export function createScheduler(spec: Spec, context: SchedulerContext = {}): Scheduler | undefined {
  const make = SCHEDULERS[spec.type];
  if (!make) throw new LoomError(`scheduler.type: unknown scheduler ${showValue(spec.type)} (valid: ${Object.keys(SCHEDULERS).join(', ')})`);
  return make(spec, context);
}

export const samplerNames = (): string[] => Object.keys(SAMPLERS);
export const schedulerNames = (): string[] => Object.keys(SCHEDULERS);
