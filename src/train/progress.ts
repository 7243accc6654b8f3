/**
 * Shows a run's progress: a live bar on a terminal, plain lines every `logEvery` steps otherwise
 * (logs, CI, pipes).
 */
import { SingleBar, Presets } from 'cli-progress';
import type { MetricsStream, StepRecord, EvalRecord } from './metrics.js';

export interface ProgressOptions {
  readonly totalSteps: number;
  readonly startStep: number;
  readonly logEvery: number;
  /** Force plain lines (default: plain unless stderr is a TTY). */
  readonly plain?: boolean;
  readonly write?: (line: string) => void;
  /** What the evaluations run on, for their labels: 'test' (default) or 'held-out' (data.holdOut). */
  readonly evalSet?: string;
}

export function attachProgress(metrics: MetricsStream, opts: ProgressOptions): () => void {
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const plain = opts.plain ?? !process.stderr.isTTY;
  let lastEval = '';
  const set = opts.evalSet ?? 'test';
  if (plain) {
    const onStep = (r: StepRecord): void => {
      if (r.step % opts.logEvery !== 0 && r.step !== opts.totalSteps) return;
      write(
        `step ${r.step}/${opts.totalSteps}  epoch ${r.epoch.toFixed(2)}  loss ${r.loss.toFixed(4)}  ` +
          `lr ${r.lr.toPrecision(3)}  ${Math.round(r.samplesPerSec)} samples/s`,
      );
    };
    const onEval = (r: EvalRecord): void => {
      write(`eval  step ${r.step}  ${set} loss ${r.loss.toFixed(4)}  ${set} accuracy ${(100 * r.accuracy).toFixed(2)}%`);
    };
    metrics.on('step', onStep);
    metrics.on('eval', onEval);
    return () => {
      metrics.off('step', onStep);
      metrics.off('eval', onEval);
    };
  }
  const bar = new SingleBar(
    { format: ' {bar} {value}/{total} steps | epoch {epoch} | loss {loss} | {speed} samples/s{acc}', hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(opts.totalSteps, opts.startStep, { epoch: '0.00', loss: '-', speed: '-', acc: '' });
  const onStep = (r: StepRecord): void => {
    if (r.step % 5 !== 0 && r.step !== opts.totalSteps) return;
    bar.update(r.step, { epoch: r.epoch.toFixed(2), loss: r.loss.toFixed(4), speed: Math.round(r.samplesPerSec), acc: lastEval });
  };
  const onEval = (r: EvalRecord): void => {
    lastEval = ` | ${set} acc ${(100 * r.accuracy).toFixed(2)}%`;
    bar.update(r.step, { acc: lastEval });
  };
  metrics.on('step', onStep);
  metrics.on('eval', onEval);
  return () => {
    metrics.off('step', onStep);
    metrics.off('eval', onEval);
    bar.stop();
  };
}
