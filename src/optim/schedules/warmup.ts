/**
 * Linear warmup (Goyal et al. 2017, "Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour",
 * arXiv:1706.02677): over the first W steps the rate rises linearly by the factor
 *
 *   f(t) = startFactor + (1 - startFactor) * t / W        (f(0) = startFactor, f(W) = 1)
 *
 * as torch.optim.lr_scheduler.LinearLR. With startFactor 0 (default, as Hugging Face's
 * warmup schedules) the first update has rate 0; its gradient still enters momentum and Adam's
 * moments. Two ways to join the wrapped schedule `inner`:
 *
 * - `shift: true` (default): warmup comes before `inner`, which starts at W from its own step 0:
 *   lr(t) = f(t) * inner(0) for t < W, then inner(t - W) (SequentialLR; the Hugging Face cosine
 *   with warmup). Give `inner` the steps after warmup as its horizon.
 * - `shift: false`: warmup multiplies the first W steps of `inner`, which keeps counting from 0:
 *   lr(t) = f(t) * inner(t) for t < W, then inner(t) (ChainedScheduler; milestones stay absolute).
 */
import { checkInteger, checkUnitInterval } from '../validate.js';
import type { LrSchedule } from './schedule.js';
import { sequentialSchedule } from './sequential.js';

export interface LinearWarmupOptions {
  /** W, an integer >= 0; 0 returns `inner` unchanged. */
  readonly warmupSteps: number;
  /** f(0), in [0, 1]; default 0. */
  readonly startFactor?: number;
  /** Default true; see the file comment. */
  readonly shift?: boolean;
}

export function linearWarmup(inner: LrSchedule, options: LinearWarmupOptions): LrSchedule {
  const warmupSteps = checkInteger('warmup', 'warmupSteps', options.warmupSteps, 0);
  const startFactor = checkUnitInterval('warmup', 'warmupStartFactor', options.startFactor ?? 0);
  if (warmupSteps === 0) return inner;
  const factor = (step: number): number => startFactor + ((1 - startFactor) * step) / warmupSteps;
  if (options.shift ?? true) {
    const peak = inner(0);
    return sequentialSchedule([
      { schedule: (step) => factor(step) * peak, steps: warmupSteps },
      { schedule: inner, steps: Infinity },
    ]);
  }
  return (step) => (step < warmupSteps ? factor(step) * inner(step) : inner(step));
}
