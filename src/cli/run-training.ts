/**
 * `loom train`: one worker in this process, or a data-parallel job in the config's execution mode,
 * with progress output and a closing summary (and, for several workers, where the time went).
 * Ctrl-C finishes the current step, checkpoints, and stops.
 */
import { join } from 'node:path';
import type { LoomConfig } from '../config/schema.js';
import { prepareRun } from '../train/run.js';
import { TextDataset, unigramCrossEntropy } from '../data/index.js';
import { attachProgress } from '../train/progress.js';
import { MetricsStream, metricsFileIn } from '../train/metrics.js';
import type { TrainResult } from '../train/trainer.js';
import { resolveStrategy, runDataParallel } from '../parallel/index.js';
import { formatTimingTable } from '../report/index.js';

export interface TrainCommandOptions {
  readonly resume?: string;
  readonly plain?: boolean;
}

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

export async function runTraining(config: LoomConfig, options: TrainCommandOptions = {}): Promise<TrainResult> {
  const { workers, mode } = config.distributed;
  // Checks the strategy's options before anything starts; one worker of a strategy without extra ranks trains in this process.
  const { roles } = resolveStrategy(config);
  if (workers === 1 && roles.length === 1 && mode === 'threads' && !config.robust) return trainAlone(config, options);
  return trainInParallel(config, options);
}

async function trainAlone(config: LoomConfig, options: TrainCommandOptions): Promise<TrainResult> {
  const run = await prepareRun(config, options.resume ? { resume: options.resume } : {});
  const { model, data, totalSteps, startStep } = run;
  out(
    `loom: ${config.name ?? config.model.type} — model ${model.kind} (${model.params.length.toLocaleString('en-US')} params), ` +
      `data ${data.train.name} (${data.train.size} train / ${data.test.size} test), ` +
      `${config.optimizer.type} lr ${run.baseLr}, batch ${config.train.batchSize}, ${totalSteps} steps` +
      (startStep > 0 ? `, resuming at step ${startStep}` : ''),
  );
  if (data.train instanceof TextDataset && data.test instanceof TextDataset) {
    const baseline = unigramCrossEntropy(data.train.tokens, data.test.tokens, data.train.numClasses);
    out(`unigram baseline on the validation text: ${baseline.toFixed(4)} nats/char (vocabulary ${data.train.numClasses})`);
  }
  const detach = attachProgress(run.metrics, { totalSteps, startStep, logEvery: config.train.logEvery, evalSet: evalSet(config), ...(options.plain !== undefined ? { plain: options.plain } : {}) });
  const onSignal = (): void => run.trainer.stop();
  process.once('SIGINT', onSignal);
  let result: TrainResult;
  try {
    result = await run.trainer.run();
  } finally {
    process.off('SIGINT', onSignal);
    detach();
  }
  printResult(config, result, run.checkpointPath);
  model.dispose();
  return result;
}

async function trainInParallel(config: LoomConfig, options: TrainCommandOptions): Promise<TrainResult> {
  const { workers, mode } = config.distributed;
  const dir = config.output.dir;
  const metrics = new MetricsStream(metricsFileIn(dir));
  let detach = (): void => {};
  metrics.once('start', (start) => {
    out(
      `loom: ${config.name ?? config.model.type} — model ${start.model} (${start.params.toLocaleString('en-US')} params), ` +
        `${start.trainSize} train / ${start.testSize} test samples, ${config.optimizer.type}, global batch ${config.train.batchSize} ` +
        `over ${workers} workers (${mode}), ${start.totalSteps} steps` +
        (start.step > 0 ? `, resuming at step ${start.step}` : ''),
    );
    detach = attachProgress(metrics, { totalSteps: start.totalSteps, startStep: start.step, logEvery: config.train.logEvery, evalSet: evalSet(config), ...(options.plain !== undefined ? { plain: options.plain } : {}) });
  });
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  let results: TrainResult[];
  try {
    results = await runDataParallel({ config, metrics, stopSignal: stop.signal, ...(options.resume ? { resume: options.resume } : {}) });
  } finally {
    process.off('SIGINT', onSignal);
    detach();
  }
  const lead = results[0];
  printResult(config, lead, dir ? join(dir, 'checkpoint.ckpt') : null);
  out(formatTimingTable(results.map((r) => r.timing)));
  return lead;
}

/** What a run evaluates on: held-out training samples (data.holdOut) or the test set. */
const evalSet = (config: LoomConfig): string => ('holdOut' in config.data && config.data.holdOut !== undefined ? 'held-out' : 'test');

function printResult(config: LoomConfig, result: TrainResult, checkpointPath: string | null): void {
  const clock = result.timing.simulated ? ' simulated' : '';
  out(
    `${result.stopped ? 'stopped' : 'done'}: ${result.steps} steps (${result.epochs.toFixed(2)} epochs) in ${result.wallSec.toFixed(1)} s, ` +
      `${Math.round(result.samplesPerSec)}${clock} samples/s, final train loss ${result.finalLoss.toFixed(4)}`,
  );
  const evaluation = result.evaluation;
  if (evaluation) {
    const per = config.data.name === 'text' ? ' nats/char' : '';
    const set = evalSet(config);
    out(`${set} loss ${evaluation.loss.toFixed(4)}${per}, ${set} accuracy ${(100 * evaluation.accuracy).toFixed(2)}% (${evaluation.count} examples)`);
  }
  if (checkpointPath) out(`checkpoint: ${checkpointPath}`);
}
