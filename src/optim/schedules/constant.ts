/** The constant schedule: lr at every step. */
import { checkNonNegative } from '../validate.js';
import type { LrSchedule } from './schedule.js';

export function constantSchedule(lr: number): LrSchedule {
  checkNonNegative('schedule', 'lr', lr);
  return () => lr;
}
