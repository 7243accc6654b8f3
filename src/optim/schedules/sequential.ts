/**
 * Composition in time (torch.optim.lr_scheduler.SequentialLR): each phase runs for its `steps`,
 * seeing its own step count from 0; the last phase runs on past its end.
 */
import { LoomError } from '../../util/errors.js';
import { checkInteger } from '../validate.js';
import type { LrSchedule } from './schedule.js';

export interface SchedulePhase {
  readonly schedule: LrSchedule;
  /** Steps in this phase, an integer >= 1 (ignored for the last phase, which never ends). */
  readonly steps: number;
}

export function sequentialSchedule(phases: readonly SchedulePhase[]): LrSchedule {
  if (phases.length === 0) throw new LoomError('sequentialSchedule needs at least one phase');
  const starts: number[] = [];
  let start = 0;
  for (let k = 0; k < phases.length; k++) {
    starts.push(start);
    if (k < phases.length - 1) start += checkInteger('sequential schedule', `phases[${k}].steps`, phases[k]!.steps, 1);
  }
  return (step) => {
    let k = phases.length - 1;
    while (k > 0 && step < starts[k]!) k--;
    return phases[k]!.schedule(step - starts[k]!);
  };
}
