import { describe, expect, it } from 'vitest';
import { constantSchedule } from './constant.js';
import { cosineSchedule } from './cosine.js';
import { sequentialSchedule } from './sequential.js';
import { multiStepSchedule, stepDecaySchedule } from './step-decay.js';
import { linearWarmup } from './warmup.js';

function at(schedule: (step: number) => number, steps: number[]): number[] {
  return steps.map(schedule);
}

function expectRates(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 12));
}

// cos(pi/4) = 0.70710678118654752
const C = Math.SQRT1_2;

describe('learning-rate schedules', () => {
  it('constant', () => {
    expectRates(at(constantSchedule(0.1), [0, 1, 1000]), [0.1, 0.1, 0.1]);
  });

  it('step decay: lr * gamma^floor(t / stepSize)', () => {
    // stepSize 3, gamma 0.5: steps 0-2 -> 0.1, 3-5 -> 0.05, 6-8 -> 0.025, 9 -> 0.0125
    expectRates(at(stepDecaySchedule(0.1, { stepSize: 3, gamma: 0.5 }), [0, 2, 3, 5, 6, 9]), [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125]);
  });

  it('multistep: decays from each milestone on', () => {
    // milestones [2, 5], gamma 0.1: t < 2 -> 1; 2 <= t < 5 -> 0.1; t >= 5 -> 0.01
    expectRates(at(multiStepSchedule(1, { milestones: [2, 5], gamma: 0.1 }), [0, 1, 2, 4, 5, 100]), [1, 1, 0.1, 0.1, 0.01, 0.01]);
  });

  it('cosine annealing to minLr, then holds minLr', () => {
    // lr 1, minLr 0.2, totalSteps 4: 0.2 + 0.8*(1 + cos(pi*t/4))/2
    // t=1: 0.2 + 0.4*(1 + C) = 0.8828427; t=2: 0.6; t=3: 0.2 + 0.4*(1 - C) = 0.3171573
    const schedule = cosineSchedule(1, { totalSteps: 4, minLr: 0.2 });
    expectRates(at(schedule, [0, 1, 2, 3, 4, 10]), [1, 0.2 + 0.4 * (1 + C), 0.6, 0.2 + 0.4 * (1 - C), 0.2, 0.2]);
    expect(schedule(1)).toBeCloseTo(0.8828427, 7);
  });

  it('linear warmup, shifted: ramps to inner(0), then inner(t - W)', () => {
    // W 2 from 0: t=0 -> 0, t=1 -> 0.5; then cosine(1, total 4) from its step 0:
    // t=2 -> 1, t=3 -> (1 + C)/2 = 0.8535534, t=4 -> 0.5, t=6 -> 0, t=9 -> 0
    const schedule = linearWarmup(cosineSchedule(1, { totalSteps: 4 }), { warmupSteps: 2 });
    expectRates(at(schedule, [0, 1, 2, 3, 4, 6, 9]), [0, 0.5, 1, (1 + C) / 2, 0.5, 0, 0]);
  });

  it('linear warmup from a start factor', () => {
    // startFactor 0.5, W 2: f(0) = 0.5, f(1) = 0.75, then the constant 0.2
    const schedule = linearWarmup(constantSchedule(0.2), { warmupSteps: 2, startFactor: 0.5 });
    expectRates(at(schedule, [0, 1, 2, 3]), [0.1, 0.15, 0.2, 0.2]);
  });

  it('linear warmup, not shifted: multiplies inner(t), whose steps stay absolute', () => {
    // inner: multistep(1, [1, 3], 0.1); W 2 from 0: t=0 -> 0*1, t=1 -> 0.5*0.1, t=2 -> 0.1, t=3 -> 0.01
    const inner = multiStepSchedule(1, { milestones: [1, 3], gamma: 0.1 });
    const schedule = linearWarmup(inner, { warmupSteps: 2, shift: false });
    expectRates(at(schedule, [0, 1, 2, 3]), [0, 0.05, 0.1, 0.01]);
  });

  it('warmup of 0 steps returns the schedule itself', () => {
    const inner = constantSchedule(0.3);
    expect(linearWarmup(inner, { warmupSteps: 0 })).toBe(inner);
  });

  it('sequential: each phase from its own step 0, the last runs on', () => {
    // 1 for steps 0-1; then stepDecay(0.5, every step, 0.5) for steps 2-3 (local 0, 1); then 0.1.
    const schedule = sequentialSchedule([
      { schedule: constantSchedule(1), steps: 2 },
      { schedule: stepDecaySchedule(0.5, { stepSize: 1, gamma: 0.5 }), steps: 2 },
      { schedule: constantSchedule(0.1), steps: 1 },
    ]);
    expectRates(at(schedule, [0, 1, 2, 3, 4, 99]), [1, 1, 0.5, 0.25, 0.1, 0.1]);
  });

  it('is a pure function of the step (resume gets the same rates)', () => {
    const schedule = linearWarmup(cosineSchedule(0.1, { totalSteps: 50 }), { warmupSteps: 5 });
    const first = at(schedule, [0, 7, 3, 7, 44]);
    expect(at(schedule, [0, 7, 3, 7, 44])).toEqual(first);
    expect(first[1]).toBe(first[3]);
  });

  it('refuses bad options naming them', () => {
    expect(() => stepDecaySchedule(0.1, { stepSize: 0, gamma: 0.5 })).toThrow('step schedule option stepSize=0 is invalid');
    expect(() => stepDecaySchedule(0.1, { stepSize: 2, gamma: -1 })).toThrow('step schedule option gamma=-1 is invalid');
    expect(() => multiStepSchedule(0.1, { milestones: [5, 5], gamma: 0.1 })).toThrow('multistep schedule option milestones=5');
    expect(() => cosineSchedule(0.1, { totalSteps: 10, minLr: 0.2 })).toThrow('cosine schedule option minLr=0.2 is invalid');
    expect(() => cosineSchedule(-0.1, { totalSteps: 10 })).toThrow('schedule option lr=-0.1 is invalid');
    expect(() => linearWarmup(constantSchedule(1), { warmupSteps: 2, startFactor: 2 })).toThrow('warmupStartFactor=2');
    expect(() => sequentialSchedule([])).toThrow('at least one phase');
  });
});
