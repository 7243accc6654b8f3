/**
 * One run of a training trial, as a worker thread receives it: the trial's full config (the base
 * config with the trial's parameters set), how far to train and where from. Plain data, so it can
 * be posted to a thread (or, later, sent to another machine).
 */
export type TrainingMetric = 'accuracy' | 'loss';

export interface TrialJob {
  /** The trial's number in its study (for messages). */
  readonly trial: number;
  /**
   * The trial's raw config (validated where it runs): its train.epochs spans the largest budget,
   * train.untilEpoch is this run's budget, data.holdOut the samples it is evaluated on.
   */
  readonly config: unknown;
  readonly metric: TrainingMetric;
  /** The checkpoint to continue from (a resumed trial, or a PBT copy of another trial's), or null. */
  readonly resumeFrom: string | null;
}

/** What a trial run ends with. */
export interface TrialOutcome {
  /** The metric on the validation samples after the last epoch trained. */
  readonly value: number;
}

/** The report of one epoch: its number and the validation metric. */
export type EpochReport = (epoch: number, value: number) => void;
