/** optim/: update rules and learning-rate schedules over flat Float32Array buffers, shardable by range. */
export type { Optimizer, OptimizerLayout, OptimizerState, SegmentRange } from './optimizer.js';
export { layoutForRange } from './layout.js';
export { SgdOptimizer, SGD_DEFAULTS, type SgdOptions } from './sgd.js';
export { AdamOptimizer, ADAM_DEFAULTS, type AdamOptions } from './adam.js';
export { AdamWOptimizer, ADAMW_DEFAULTS, type AdamWOptions } from './adamw.js';
export { LarsOptimizer, LARS_DEFAULTS, larsTrustRatio, type LarsOptions } from './lars.js';
export { LambOptimizer, LAMB_DEFAULTS, type LambOptions } from './lamb.js';
export type { LrSchedule } from './schedules/schedule.js';
export { constantSchedule } from './schedules/constant.js';
export {
  stepDecaySchedule,
  multiStepSchedule,
  type StepDecayOptions,
  type MultiStepDecayOptions,
} from './schedules/step-decay.js';
export { cosineSchedule, type CosineOptions } from './schedules/cosine.js';
export { linearWarmup, type LinearWarmupOptions } from './schedules/warmup.js';
export { sequentialSchedule, type SchedulePhase } from './schedules/sequential.js';
export { scaledLearningRate, type LrScalingRule } from './scaling.js';
export { OPTIMIZER_OPTIONS, parseOptimizerOptions } from './options/index.js';
export {
  createOptimizer,
  createSchedule,
  OPTIMIZER_DEFAULTS,
  OPTIMIZER_TYPES,
  SCHEDULE_DEFAULTS,
  SCHEDULE_TYPES,
  type OptimizerSpec,
  type OptimizerType,
  type ScheduleSpec,
  type ScheduleType,
  type WarmupSpec,
} from './registry.js';
