/**
 * Typed registries: an optimizer or a learning-rate schedule from a plain spec (as a config file
 * gives it), with defaults filled in, every option checked and unknown options refused. An
 * optimizer's options are checked by its zod schema (options/), the one config/schema.ts builds on.
 */
import { LoomError, showValue } from '../util/errors.js';
import { ADAM_DEFAULTS, AdamOptimizer, type AdamOptions } from './adam.js';
import { ADAMW_DEFAULTS, AdamWOptimizer, type AdamWOptions } from './adamw.js';
import { LAMB_DEFAULTS, LambOptimizer, type LambOptions } from './lamb.js';
import { LARS_DEFAULTS, LarsOptimizer, type LarsOptions } from './lars.js';
import type { Optimizer, OptimizerLayout } from './optimizer.js';
import { OPTIMIZER_OPTIONS } from './options/index.js';
import { parseOptimizerOptions } from './options/parse.js';
import { constantSchedule } from './schedules/constant.js';
import { cosineSchedule } from './schedules/cosine.js';
import type { LrSchedule } from './schedules/schedule.js';
import { multiStepSchedule, stepDecaySchedule } from './schedules/step-decay.js';
import { linearWarmup } from './schedules/warmup.js';
import { SGD_DEFAULTS, SgdOptimizer, type SgdOptions } from './sgd.js';
import { checkInteger, checkKnownKeys, checkNonNegative, invalidOption } from './validate.js';

export type OptimizerSpec =
  | ({ readonly type: 'sgd' } & SgdOptions)
  | ({ readonly type: 'adam' } & AdamOptions)
  | ({ readonly type: 'adamw' } & AdamWOptions)
  | ({ readonly type: 'lars' } & LarsOptions)
  | ({ readonly type: 'lamb' } & LambOptions);

export type OptimizerType = OptimizerSpec['type'];

/** Every optional option of every optimizer with its default (LAMB's maxTrustRatio null = unclamped). */
export const OPTIMIZER_DEFAULTS = {
  sgd: SGD_DEFAULTS,
  adam: ADAM_DEFAULTS,
  adamw: ADAMW_DEFAULTS,
  lars: LARS_DEFAULTS,
  lamb: LAMB_DEFAULTS,
} as const;

export const OPTIMIZER_TYPES = Object.keys(OPTIMIZER_DEFAULTS) as readonly OptimizerType[];

function checkType<T extends string>(what: string, spec: unknown, types: readonly T[]): T {
  const type = (spec as { type?: unknown } | null)?.type;
  if (typeof spec !== 'object' || spec === null || !types.includes(type as T)) {
    throw new LoomError(`${what} type=${showValue(type)} is invalid: expected one of ${types.join(', ')}`);
  }
  return type as T;
}

/** Builds each type from options its schema has checked (the constructors check them again: they are public too). */
const OPTIMIZERS: { readonly [T in OptimizerType]: (layout: OptimizerLayout, options: unknown) => Optimizer } = {
  sgd: (layout, options) => new SgdOptimizer(layout, parseOptimizerOptions('sgd', OPTIMIZER_OPTIONS.sgd, options)),
  adam: (layout, options) => new AdamOptimizer(layout, parseOptimizerOptions('adam', OPTIMIZER_OPTIONS.adam, options)),
  adamw: (layout, options) => new AdamWOptimizer(layout, parseOptimizerOptions('adamw', OPTIMIZER_OPTIONS.adamw, options)),
  lars: (layout, options) => new LarsOptimizer(layout, parseOptimizerOptions('lars', OPTIMIZER_OPTIONS.lars, options)),
  lamb: (layout, options) => new LambOptimizer(layout, parseOptimizerOptions('lamb', OPTIMIZER_OPTIONS.lamb, options)),
};

/** An optimizer for the range `layout` describes (a whole model or one shard). */
export function createOptimizer(spec: OptimizerSpec, layout: OptimizerLayout): Optimizer {
  const type = checkType('optimizer', spec, OPTIMIZER_TYPES);
  const { type: _type, ...options } = spec;
  return OPTIMIZERS[type](layout, options);
}

/** Options every schedule spec takes; see `linearWarmup` for the ramp. */
export interface WarmupSpec {
  /** Steps of linear warmup, an integer in [0, totalSteps] (< totalSteps for cosine). */
  readonly warmupSteps?: number;
  /** Rate at step 0 as a fraction of the base rate, in [0, 1]. */
  readonly warmupStartFactor?: number;
}

/**
 * How warmup joins each schedule: `step` and `multistep` count steps from 0, warmup included, so
 * milestones are absolute steps and warmup multiplies the first warmupSteps of them (Goyal et al.).
 * `cosine` starts after warmup and anneals over the remaining totalSteps - warmupSteps steps, reaching
 * minLr at totalSteps (Hugging Face's cosine with warmup).
 */
export type ScheduleSpec =
  | ({ readonly type: 'constant' } & WarmupSpec)
  | ({ readonly type: 'step'; readonly stepSize: number; readonly gamma: number } & WarmupSpec)
  | ({ readonly type: 'multistep'; readonly milestones: readonly number[]; readonly gamma: number } & WarmupSpec)
  | ({ readonly type: 'cosine'; readonly minLr?: number } & WarmupSpec);

export type ScheduleType = ScheduleSpec['type'];

const WARMUP_DEFAULTS = { warmupSteps: 0, warmupStartFactor: 0 } as const;

/** The defaults of each schedule's optional options (required ones: stepSize, milestones, gamma). */
export const SCHEDULE_DEFAULTS = {
  constant: WARMUP_DEFAULTS,
  step: WARMUP_DEFAULTS,
  multistep: WARMUP_DEFAULTS,
  cosine: { minLr: 0, ...WARMUP_DEFAULTS },
} as const;

export const SCHEDULE_TYPES = Object.keys(SCHEDULE_DEFAULTS) as readonly ScheduleType[];

const SCHEDULE_REQUIRED: Record<ScheduleType, readonly string[]> = {
  constant: [],
  step: ['stepSize', 'gamma'],
  multistep: ['milestones', 'gamma'],
  cosine: [],
};

/** A schedule starting from `baseLr` for a run of `totalSteps` optimizer steps. */
export function createSchedule(spec: ScheduleSpec, baseLr: number, totalSteps: number): LrSchedule {
  const type = checkType('schedule', spec, SCHEDULE_TYPES);
  const owner = `${type} schedule`;
  const { type: _type, ...options } = spec;
  checkKnownKeys(owner, options, [...SCHEDULE_REQUIRED[type], ...Object.keys(SCHEDULE_DEFAULTS[type])]);
  checkNonNegative(owner, 'lr', baseLr);
  checkInteger(owner, 'totalSteps', totalSteps, 0);
  const warmupSteps = checkInteger(owner, 'warmupSteps', spec.warmupSteps ?? WARMUP_DEFAULTS.warmupSteps, 0);
  const startFactor = spec.warmupStartFactor ?? WARMUP_DEFAULTS.warmupStartFactor;
  const limit = spec.type === 'cosine' ? totalSteps - 1 : totalSteps;
  if (warmupSteps > limit) {
    const bound = spec.type === 'cosine' ? `less than totalSteps (${totalSteps})` : `at most totalSteps (${totalSteps})`;
    throw invalidOption(owner, 'warmupSteps', warmupSteps, `an integer ${bound}`);
  }
  switch (spec.type) {
    case 'constant':
      return linearWarmup(constantSchedule(baseLr), { warmupSteps, startFactor, shift: true });
    case 'step': {
      const inner = stepDecaySchedule(baseLr, { stepSize: spec.stepSize, gamma: spec.gamma });
      return linearWarmup(inner, { warmupSteps, startFactor, shift: false });
    }
    case 'multistep': {
      const inner = multiStepSchedule(baseLr, { milestones: spec.milestones, gamma: spec.gamma });
      return linearWarmup(inner, { warmupSteps, startFactor, shift: false });
    }
    case 'cosine': {
      const minLr = spec.minLr ?? SCHEDULE_DEFAULTS.cosine.minLr;
      const inner = cosineSchedule(baseLr, { totalSteps: totalSteps - warmupSteps, minLr });
      return linearWarmup(inner, { warmupSteps, startFactor, shift: true });
    }
  }
}
