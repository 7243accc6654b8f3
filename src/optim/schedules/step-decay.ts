/**
 * Step decay, piecewise-constant learning rates as in He et al. 2016, "Deep Residual Learning for
 * Image Recognition" (CVPR) and Goyal et al. 2017 (arXiv:1706.02677): the rate is multiplied by
 * gamma every `stepSize` steps (torch.optim.lr_scheduler.StepLR), or at each milestone
 * (MultiStepLR): lr * gamma^(number of milestones <= t), so the decay applies from the milestone
 * step on.
 */
import { LoomError, showValue } from '../../util/errors.js';
import { checkInteger, checkNonNegative, checkPositive } from '../validate.js';
import type { LrSchedule } from './schedule.js';

export interface StepDecayOptions {
  /** Steps between decays, an integer >= 1. */
  readonly stepSize: number;
  /** Factor per decay, > 0. */
  readonly gamma: number;
}

export function stepDecaySchedule(lr: number, options: StepDecayOptions): LrSchedule {
  checkNonNegative('schedule', 'lr', lr);
  const stepSize = checkInteger('step schedule', 'stepSize', options.stepSize, 1);
  const gamma = checkPositive('step schedule', 'gamma', options.gamma);
  return (step) => lr * Math.pow(gamma, Math.floor(step / stepSize));
}

export interface MultiStepDecayOptions {
  /** Steps at which the rate is multiplied by gamma: strictly increasing integers >= 1. */
  readonly milestones: readonly number[];
  readonly gamma: number;
}

export function multiStepSchedule(lr: number, options: MultiStepDecayOptions): LrSchedule {
  checkNonNegative('schedule', 'lr', lr);
  const gamma = checkPositive('multistep schedule', 'gamma', options.gamma);
  const milestones = options.milestones;
  if (!Array.isArray(milestones)) {
    throw new LoomError(`multistep schedule option milestones=${showValue(milestones)} is invalid: expected an array of steps`);
  }
  let previous = 0;
  for (const milestone of milestones) {
    checkInteger('multistep schedule', 'milestones', milestone, previous + 1);
    previous = milestone;
  }
  const sorted = [...milestones];
  return (step) => {
    let passed = 0;
    while (passed < sorted.length && sorted[passed]! <= step) passed++;
    return lr * Math.pow(gamma, passed);
  };
}
