/**
 * Cosine annealing (Loshchilov & Hutter 2017, "SGDR: Stochastic Gradient Descent with Warm
 * Restarts", ICLR), one cycle without restarts:
 *
 *   lr(t) = minLr + (lr - minLr) * (1 + cos(pi * t / totalSteps)) / 2     for t <= totalSteps
 *
 * and minLr after totalSteps (PyTorch's closed form would rise again; we hold the floor).
 */
import { invalidOption, checkInteger, checkNonNegative } from '../validate.js';
import type { LrSchedule } from './schedule.js';

export interface CosineOptions {
  /** Length of the anneal in steps, an integer >= 1. */
  readonly totalSteps: number;
  /** Final rate, in [0, lr]; default 0. */
  readonly minLr?: number;
}

export function cosineSchedule(lr: number, options: CosineOptions): LrSchedule {
  checkNonNegative('schedule', 'lr', lr);
  const totalSteps = checkInteger('cosine schedule', 'totalSteps', options.totalSteps, 1);
  const minLr = checkNonNegative('cosine schedule', 'minLr', options.minLr ?? 0);
  if (minLr > lr) throw invalidOption('cosine schedule', 'minLr', minLr, `a rate <= the base lr ${lr}`);
  const amplitude = lr - minLr;
  return (step) => (step >= totalSteps ? minLr : minLr + (amplitude * (1 + Math.cos((Math.PI * step) / totalSteps))) / 2);
}
