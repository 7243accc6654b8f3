/**
 * Runs one training trial from this thread: the trial's config (evaluated on held-out training
 * samples, its data.holdOut), from its checkpoint when it continues, up to its budget (its
 * train.untilEpoch, whole or a fraction), reporting the evaluation metric after every whole epoch
 * and at the budget. A config with
 * distributed.workers > 1 is a data-parallel job of its own, in its distributed.mode (threads
 * started from this one, processes, hosts or virtual). The report of the last epoch is sent only
 * once the checkpoint is on disk, because a scheduler may promote (resume) the trial on another
 * worker as soon as it hears that value.
 */
import { validateConfig } from '../../config/load.js';
import type { LoomConfig } from '../../config/schema.js';
import { loadDataset, type DatasetSplit } from '../../data/index.js';
import { runDataParallel } from '../../parallel/index.js';
import { MetricsStream, metricsFileIn, type EvalRecord } from '../../train/metrics.js';
import { prepareRun } from '../../train/run.js';
import type { TrainResult } from '../../train/trainer.js';
import type { EpochReport, TrialJob, TrialOutcome } from './trial-job.js';

/** A running trial: its outcome, and a way to end it early (a scheduler's stop or pause). */
export interface TrialRun {
  readonly done: Promise<TrialOutcome>;
  stop(): void;
}

/** Datasets of this thread, by data spec: a thread runs many trials on the same data. */
const splits = new Map<string, DatasetSplit>();

function dataFor(spec: LoomConfig['data']): DatasetSplit {
  const key = JSON.stringify(spec);
  let split = splits.get(key);
  if (!split) {
    split = loadDataset(spec);
    splits.set(key, split);
  }
  return split;
}

export function metricOf(record: Pick<EvalRecord, 'accuracy' | 'loss'>, metric: TrialJob['metric']): number {
  return metric === 'accuracy' ? record.accuracy : record.loss;
}

/** Alone in this thread, on this thread's copy of the data; `stopper` ends it at the next step (checkpointed). */
async function trainHere(config: LoomConfig, data: DatasetSplit, resumeFrom: string | null, onEval: (record: EvalRecord) => void, stopper: AbortSignal): Promise<TrainResult> {
  const prepared = await prepareRun(config, { data, ...(resumeFrom ? { resume: resumeFrom } : {}) });
  prepared.metrics.on('eval', onEval);
  if (stopper.aborted) prepared.trainer.stop();
  else stopper.addEventListener('abort', () => prepared.trainer.stop(), { once: true });
  return prepared.trainer.run();
}

/** A data-parallel job whose ranks load their own data: rank 0's records reach `onEval`; the result is rank 0's. */
async function trainParallel(config: LoomConfig, resumeFrom: string | null, onEval: (record: EvalRecord) => void, stopper: AbortSignal): Promise<TrainResult> {
  const metrics = new MetricsStream(metricsFileIn(config.output.dir));
  metrics.on('eval', onEval);
  const results = await runDataParallel({ config, metrics, stopSignal: stopper, ...(resumeFrom ? { resume: resumeFrom } : {}) });
  return results[0];
}

export function startTrialRun(job: TrialJob, report: EpochReport): TrialRun {
  const stopper = new AbortController();
  const done = (async (): Promise<TrialOutcome> => {
    const config = validateConfig(job.config);
    const lastEpoch = config.train.untilEpoch ?? config.train.epochs ?? 1;
    const onEval = (record: EvalRecord): void => {
      if (Number.isInteger(record.epoch) && record.epoch < lastEpoch && !stopper.signal.aborted) report(record.epoch, metricOf(record, job.metric));
    };
    const result =
      config.distributed.workers > 1
        ? await trainParallel(config, job.resumeFrom, onEval, stopper.signal)
        : await trainHere(config, dataFor(config.data), job.resumeFrom, onEval, stopper.signal);
    const value = result.evaluation ? metricOf(result.evaluation, job.metric) : Number.NaN;
    // The last report is keyed by the budget itself (a fraction of an epoch ends at the nearest step).
    if (!result.stopped) report(lastEpoch, value);
    return { value };
  })();
  return {
    done,
    stop() {
      stopper.abort();
    },
  };
}
