/**
 * Runs one training trial in this thread: the trial's config on the training set minus the
 * held-out validation samples, from its checkpoint when it continues, up to its budget (an epoch
 * count), reporting the validation metric after every epoch. The report of the last epoch is
 * sent only once the checkpoint is on disk, because a scheduler may promote (resume) the trial
 * on another worker as soon as it hears that value.
 */
import { validateConfig } from '../../config/load.js';
import type { LoomConfig } from '../../config/schema.js';
import { loadDataset, type DatasetSplit } from '../../data/index.js';
import type { EvalRecord } from '../../train/metrics.js';
import { prepareRun } from '../../train/run.js';
import { stepsPerEpoch, type Trainer } from '../../train/trainer.js';
import type { EpochReport, TrialJob, TrialOutcome } from './trial-job.js';
import { validationSplit } from './validation-split.js';

/** A running trial: its outcome, and a way to end it early (a scheduler's stop or pause). */
export interface TrialRun {
  readonly done: Promise<TrialOutcome>;
  stop(): void;
}

/** Datasets of this thread, by data spec and validation size: a thread runs many trials on the same data. */
const splits = new Map<string, DatasetSplit>();

function dataFor(spec: LoomConfig['data'], validation: number): DatasetSplit {
  const key = JSON.stringify([spec, validation]);
  let split = splits.get(key);
  if (!split) {
    split = validationSplit(loadDataset(spec), validation);
    splits.set(key, split);
  }
  return split;
}

export function metricOf(record: Pick<EvalRecord, 'accuracy' | 'loss'>, metric: TrialJob['metric']): number {
  return metric === 'accuracy' ? record.accuracy : record.loss;
}

export function startTrialRun(job: TrialJob, report: EpochReport): TrialRun {
  let stopRequested = false;
  let trainer: Trainer | null = null;
  const done = (async (): Promise<TrialOutcome> => {
    const config = validateConfig(job.config);
    const data = dataFor(config.data, job.validation);
    const perEpoch = stepsPerEpoch(data.train.size, config.train.batchSize);
    const lastEpoch = job.untilEpoch ?? config.train.epochs ?? 1;
    const prepared = await prepareRun(config, {
      data,
      ...(job.resumeFrom ? { resume: job.resumeFrom } : {}),
      stopAtStep: lastEpoch * perEpoch,
    });
    trainer = prepared.trainer;
    if (stopRequested) trainer.stop();
    prepared.metrics.on('eval', (record) => {
      const epoch = record.step / perEpoch;
      if (Number.isInteger(epoch) && epoch < lastEpoch && !stopRequested) report(epoch, metricOf(record, job.metric));
    });
    const result = await prepared.trainer.run();
    const value = result.evaluation ? metricOf(result.evaluation, job.metric) : Number.NaN;
    const stoppedEarly = stopRequested && result.steps < lastEpoch * perEpoch;
    if (!stoppedEarly) report(lastEpoch, value);
    return { value };
  })();
  return {
    done,
    stop() {
      stopRequested = true;
      trainer?.stop();
    },
  };
}
