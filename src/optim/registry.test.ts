import { describe, expect, it } from 'vitest';
import { LoomError } from '../util/errors.js';
import { AdamOptimizer } from './adam.js';
import { LambOptimizer } from './lamb.js';
import { LarsOptimizer } from './lars.js';
import type { Optimizer } from './optimizer.js';
import { createOptimizer, createSchedule, OPTIMIZER_DEFAULTS, OPTIMIZER_TYPES, SCHEDULE_DEFAULTS, type OptimizerSpec, type ScheduleSpec } from './registry.js';
import { SgdOptimizer } from './sgd.js';

const layout = { length: 4 };

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LoomError);
    return (error as Error).message;
  }
  throw new Error('expected a LoomError');
}

describe('createOptimizer', () => {
  it('builds each type with its defaults filled in', () => {
    expect(OPTIMIZER_TYPES).toEqual(['sgd', 'adam', 'adamw', 'lars', 'lamb']);
    for (const type of OPTIMIZER_TYPES) {
      const opt = createOptimizer({ type } as OptimizerSpec, layout) as Optimizer & { options: object };
      expect(opt.kind).toBe(type);
      expect(opt.options).toEqual(OPTIMIZER_DEFAULTS[type]);
    }
    expect(createOptimizer({ type: 'sgd', momentum: 0.9 }, layout)).toBeInstanceOf(SgdOptimizer);
    expect(createOptimizer({ type: 'lars' }, layout)).toBeInstanceOf(LarsOptimizer);
    expect(createOptimizer({ type: 'lamb' }, layout)).toBeInstanceOf(LambOptimizer);
  });

  it('documents the defaults', () => {
    expect(OPTIMIZER_DEFAULTS).toEqual({
      sgd: { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
      adam: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
      adamw: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 },
      lars: { momentum: 0.9, weightDecay: 0, trustCoefficient: 0.001, excludeBiases: true },
      lamb: { beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0.01, maxTrustRatio: null },
    });
  });

  it('an option given as undefined keeps its default', () => {
    const opt = createOptimizer({ type: 'adam', beta1: undefined, eps: 1e-7 }, layout) as AdamOptimizer;
    expect(opt.options).toEqual({ beta1: 0.9, beta2: 0.999, eps: 1e-7, weightDecay: 0 });
  });

  it('refuses unknown types and options, and bad values, naming them', () => {
    expect(messageOf(() => createOptimizer({ type: 'rmsprop' } as unknown as OptimizerSpec, layout))).toBe(
      'optimizer type="rmsprop" is invalid: expected one of sgd, adam, adamw, lars, lamb',
    );
    expect(messageOf(() => createOptimizer({ type: 'sgd', momentun: 0.9 } as OptimizerSpec, layout))).toBe(
      'sgd optimizer has no option "momentun" (known: momentum, dampening, nesterov, weightDecay)',
    );
    expect(messageOf(() => createOptimizer({ type: 'sgd', momentum: -0.1 }, layout))).toBe(
      'sgd option momentum=-0.1 is invalid: expected a number in [0, 1)',
    );
    expect(messageOf(() => createOptimizer({ type: 'sgd', nesterov: true }, layout))).toMatch(/^sgd option nesterov=true is invalid/);
    expect(messageOf(() => createOptimizer({ type: 'adamw', beta2: 1 }, layout))).toBe(
      'adamw option beta2=1 is invalid: expected a number in [0, 1)',
    );
    expect(messageOf(() => createOptimizer({ type: 'lamb', eps: 0 }, layout))).toBe('lamb option eps=0 is invalid: expected a finite number > 0');
    expect(messageOf(() => createOptimizer({ type: 'lars', momentum: -1 }, layout))).toMatch(/^lars option momentum=-1/);
    expect(messageOf(() => createOptimizer({ type: 'sgd', momentum: '0.9' } as unknown as OptimizerSpec, layout))).toMatch(
      /^sgd option momentum="0.9" is invalid/,
    );
  });
});

describe('optimizer options', () => {
  it('LAMB takes maxTrustRatio: a positive number, or null for unclamped', () => {
    expect((createOptimizer({ type: 'lamb', maxTrustRatio: 5 }, layout) as LambOptimizer).options.maxTrustRatio).toBe(5);
    expect((createOptimizer({ type: 'lamb', maxTrustRatio: null }, layout) as LambOptimizer).options.maxTrustRatio).toBeNull();
    expect(messageOf(() => createOptimizer({ type: 'lamb', maxTrustRatio: 'x' } as unknown as OptimizerSpec, layout))).toBe(
      'lamb option maxTrustRatio="x" is invalid: expected a finite number > 0',
    );
  });

  it('SGD dampening is in [0, 1], and 0 with nesterov', () => {
    expect((createOptimizer({ type: 'sgd', momentum: 0.9, dampening: 1 }, layout) as SgdOptimizer).options.dampening).toBe(1);
    expect(messageOf(() => createOptimizer({ type: 'sgd', dampening: 1.01 }, layout))).toBe('sgd option dampening=1.01 is invalid: expected a number in [0, 1]');
    expect(messageOf(() => createOptimizer({ type: 'sgd', momentum: 0.9, nesterov: true, dampening: 0.5 }, layout))).toBe(
      'sgd option dampening=0.5 is invalid: expected 0 with nesterov',
    );
  });
});

describe('createSchedule', () => {
  it('constant and step with warmup (milestones count from step 0)', () => {
    // constant 0.4 with 4 warmup steps from 0: 0, 0.1, 0.2, 0.3, then 0.4
    const constant = createSchedule({ type: 'constant', warmupSteps: 4 }, 0.4, 100);
    [0, 0.1, 0.2, 0.3, 0.4, 0.4].forEach((lr, t) => expect(constant(t)).toBeCloseTo(lr, 12));
    // step: base 1, stepSize 2, gamma 0.1, warmup 2 (not shifted): t=0 -> 0*1, t=1 -> 0.5*1, t=2 -> 0.1,
    // t=3 -> 0.1, t=4 -> 0.01
    const step = createSchedule({ type: 'step', stepSize: 2, gamma: 0.1, warmupSteps: 2 }, 1, 100);
    [0, 0.5, 0.1, 0.1, 0.01].forEach((lr, t) => expect(step(t)).toBeCloseTo(lr, 12));
  });

  it('multistep at its milestones', () => {
    const schedule = createSchedule({ type: 'multistep', milestones: [3, 6], gamma: 0.5 }, 0.2, 10);
    [0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.05].forEach((lr, t) => expect(schedule(t)).toBeCloseTo(lr, 12));
  });

  it('cosine with warmup anneals over the steps after warmup, reaching minLr at totalSteps', () => {
    // base 1, totalSteps 6, warmup 2, minLr 0: ramp 0, 0.5; then cosine over 4 steps:
    // 1, (1 + cos(pi/4))/2 = 0.8535534, 0.5, (1 - cos(pi/4))/2 = 0.1464466, 0 at t=6
    const schedule = createSchedule({ type: 'cosine', warmupSteps: 2 }, 1, 6);
    const c = Math.SQRT1_2;
    [0, 0.5, 1, (1 + c) / 2, 0.5, (1 - c) / 2, 0].forEach((lr, t) => expect(schedule(t)).toBeCloseTo(lr, 12));
    // with minLr 0.1 and warmupStartFactor 0.5, no warmup shift at t=0: 0.5*1
    const floor = createSchedule({ type: 'cosine', minLr: 0.1, warmupSteps: 2, warmupStartFactor: 0.5 }, 1, 6);
    expect(floor(0)).toBeCloseTo(0.5, 12);
    expect(floor(6)).toBeCloseTo(0.1, 12);
  });

  it('documents the defaults', () => {
    expect(SCHEDULE_DEFAULTS.cosine).toEqual({ minLr: 0, warmupSteps: 0, warmupStartFactor: 0 });
    expect(SCHEDULE_DEFAULTS.step).toEqual({ warmupSteps: 0, warmupStartFactor: 0 });
  });

  it('refuses bad values, naming them', () => {
    expect(messageOf(() => createSchedule({ type: 'constant' }, -0.1, 10))).toBe(
      'constant schedule option lr=-0.1 is invalid: expected a finite number >= 0',
    );
    expect(messageOf(() => createSchedule({ type: 'cosine', warmupSteps: 10 }, 0.1, 10))).toBe(
      'cosine schedule option warmupSteps=10 is invalid: expected an integer less than totalSteps (10)',
    );
    expect(messageOf(() => createSchedule({ type: 'step', stepSize: 0, gamma: 0.1 }, 0.1, 10))).toMatch(/stepSize=0 is invalid/);
    expect(messageOf(() => createSchedule({ type: 'step', stepSize: 2 } as ScheduleSpec, 0.1, 10))).toMatch(/gamma=undefined is invalid/);
    expect(messageOf(() => createSchedule({ type: 'cosine', gamma: 0.1 } as ScheduleSpec, 0.1, 10))).toBe(
      'cosine schedule has no option "gamma" (known: minLr, warmupSteps, warmupStartFactor)',
    );
    expect(messageOf(() => createSchedule({ type: 'linear' } as unknown as ScheduleSpec, 0.1, 10))).toMatch(/^schedule type="linear"/);
  });
});
