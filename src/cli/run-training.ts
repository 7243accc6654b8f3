import type { LoomConfig } from '../config/schema.js';
import { prepareRun } from '../train/run.js';
import { TextDataset, unigramCrossEntropy } from '../data/index.js';
import { attachProgress } from '../train/progress.js';
import type { TrainResult } from '../train/trainer.js';

export interface TrainCommandOptions {
  readonly resume?: string;
  readonly plain?: boolean;
}

/** Runs a config with progress output and a closing summary; Ctrl-C checkpoints and stops. */
export async function runTraining(config: LoomConfig, options: TrainCommandOptions = {}): Promise<TrainResult> {
  const run = await prepareRun(config, options.resume ? { resume: options.resume } : {});
  const { model, data, totalSteps, startStep } = run;
  const out = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
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
  const detach = attachProgress(run.metrics, {
    totalSteps,
    startStep,
    logEvery: config.train.logEvery,
    ...(options.plain !== undefined ? { plain: options.plain } : {}),
  });
  const onSignal = (): void => run.trainer.stop();
  process.once('SIGINT', onSignal);
  let result: TrainResult;
  try {
    result = await run.trainer.run();
  } finally {
    process.off('SIGINT', onSignal);
    detach();
  }
  const evaluation = result.evaluation;
  out(
    `${result.stopped ? 'stopped' : 'done'}: ${result.steps} steps (${result.epochs.toFixed(2)} epochs) in ${result.wallSec.toFixed(1)} s, ` +
      `${Math.round(result.samplesPerSec)} samples/s, final train loss ${result.finalLoss.toFixed(4)}`,
  );
  if (evaluation) {
    const per = data.test instanceof TextDataset ? ' nats/char' : '';
    out(`test loss ${evaluation.loss.toFixed(4)}${per}, test accuracy ${(100 * evaluation.accuracy).toFixed(2)}% (${evaluation.count} examples)`);
  }
  if (run.checkpointPath) out(`checkpoint: ${run.checkpointPath}`);
  model.dispose();
  return result;
}
