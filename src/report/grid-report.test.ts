/**
 * The grid report on scripted metrics: curves recorded from a stream of step and eval records,
 * the steps, seconds and bytes to the target exactly, "not reached", and the CSV, Markdown and HTML.
 */
import { describe, expect, it } from 'vitest';
import { CurveRecorder } from '../parallel/index.js';
import { MetricsStream } from '../train/metrics.js';
import { gridCharts, meanCurve } from './grid-charts.js';
import { gridHtml } from './grid-report.js';
import { gridMarkdown, gridSummaryCsv, secondsKind, summarizeGrid, type GridReportRun } from './grid-summary.js';

/** A run that sends `bytesPerStep` every step, takes 0.25 s per step, and scores `accuracy[k]` at evaluation k (every 2 steps). */
function scripted(cell: string, seed: number, accuracy: readonly number[], bytesPerStep: number, simulated = true): GridReportRun {
  const metrics = new MetricsStream();
  const curve = new CurveRecorder(metrics);
  for (let step = 1; step <= 2 * accuracy.length; step++) {
    const timing = { workers: 2, computeSec: 0.2, commSec: 0.05, waitSec: 0, bytesSent: bytesPerStep, bytesReceived: bytesPerStep, simulated };
    metrics.publish({ type: 'step', step, epoch: 0, loss: 1, lr: 0.1, samplesPerSec: 1, elapsedSec: 0.25 * step, timing }, false);
    if (step % 2 === 0) metrics.publish({ type: 'eval', step, epoch: 0, loss: 1, accuracy: accuracy[step / 2 - 1]!, count: 100, elapsedSec: 0.25 * step });
  }
  return { cell, seed, accuracy: accuracy.at(-1)!, diverged: false, curve: curve.points, simulated: curve.simulated };
}

const runs = [
  scripted('ddp', 1, [0.5, 0.7, 0.85, 0.9], 1000), // reaches 0.8 at step 6: 1.5 s, 6000 bytes
  scripted('ddp', 2, [0.6, 0.82, 0.8, 0.88], 1000), // step 4: 1.0 s, 4000 bytes
  scripted('local-sgd', 1, [0.4, 0.81, 0.83, 0.84], 250), // step 4: 1.0 s, 1000 bytes
  scripted('ps', 1, [0.3, 0.5, 0.7, 0.79], 500), // never
];

describe('grid report', () => {
  it('records each evaluation with its test loss, the seconds and the bytes sent up to it', () => {
    expect(runs[0]!.curve).toEqual([
      { step: 2, accuracy: 0.5, loss: 1, seconds: 0.5, bytesSent: 2000 },
      { step: 4, accuracy: 0.7, loss: 1, seconds: 1, bytesSent: 4000 },
      { step: 6, accuracy: 0.85, loss: 1, seconds: 1.5, bytesSent: 6000 },
      { step: 8, accuracy: 0.9, loss: 1, seconds: 2, bytesSent: 8000 },
    ]);
    expect(runs[0]!.simulated).toBe(true);
  });

  it('takes the first evaluation at or above the target, mean over the seeds; "not reached" otherwise', () => {
    const summary = summarizeGrid(runs, 0.8);
    expect(summary).toEqual([
      { cell: 'ddp', seeds: 2, accuracy: 0.89, diverged: 0, reached: 2, toTarget: { steps: 5, seconds: 1.25, bytesSent: 5000 }, end: { seconds: 2, bytesSent: 8000 } },
      { cell: 'local-sgd', seeds: 1, accuracy: 0.84, diverged: 0, reached: 1, toTarget: { steps: 4, seconds: 1, bytesSent: 1000 }, end: { seconds: 2, bytesSent: 2000 } },
      { cell: 'ps', seeds: 1, accuracy: 0.79, diverged: 0, reached: 0, toTarget: null, end: { seconds: 2, bytesSent: 4000 } },
    ]);
    // One seed short of the target: the cell has not reached it.
    const [ddp] = summarizeGrid(runs.slice(0, 2), 0.9);
    expect([ddp!.reached, ddp!.toTarget]).toEqual([1, null]);
    expect(summarizeGrid(runs, undefined)[0]!.toTarget).toBeNull();
  });

  it('writes the summary as CSV and Markdown, and the HTML page with three charts labelled by their clock', () => {
    const summary = summarizeGrid(runs, 0.8);
    expect(gridSummaryCsv(summary, 0.8, 'simulated').trim().split('\n')).toEqual([
      'cell,seeds,final_accuracy_mean,diverged,sim_seconds_total,bytes_total,target,reached,steps_to_target,sim_seconds_to_target,bytes_to_target',
      'ddp,2,0.8900,0,2,8000,0.8,2/2,5,1.25,5000',
      'local-sgd,1,0.8400,0,2,2000,0.8,1/1,4,1,1000',
      'ps,1,0.7900,0,2,4000,0.8,0/1,not reached,not reached,not reached',
    ]);
    const markdown = gridMarkdown('strategies', summary, 0.8, 'simulated');
    expect(markdown).toContain('| cell | seeds | final test accuracy | sim s total | MB sent total | steps to 0.8 | sim s to 0.8 | MB sent to 0.8 |');
    expect(markdown).toContain('| ddp | 2 | 0.8900 | 2.000 | 0.01 | 5 | 1.250 | 0.01 |');
    expect(markdown).toContain('| ps | 1 | 0.7900 | 2.000 | 0.00 | not reached | not reached | not reached |');
    expect(gridSummaryCsv(summary, undefined, 'wall').split('\n')[0]).toBe('cell,seeds,final_accuracy_mean,diverged,wall_seconds_total,bytes_total');

    expect(secondsKind(runs)).toBe('simulated');
    expect(secondsKind([scripted('t', 1, [0.5], 0, false)])).toBe('wall');
    const charts = gridCharts(runs, 0.8);
    expect(charts.seconds).toContain('>simulated seconds (virtual clock)<');
    expect(charts.bytes).toContain('>MB sent by rank 0<');
    expect(gridCharts([scripted('t', 1, [0.5], 0, false)]).seconds).toContain('>wall seconds<');
    const html = gridHtml('strategies', summary, charts, 0.8, 'simulated');
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html.match(/<polyline/g)).toHaveLength(9); // three cells in each of three charts
    expect(html.match(/class="reference"/g)).toHaveLength(3);
    expect(html).toContain('<td>ps</td><td>1</td><td>0.7900</td><td>2.000</td><td>0.00</td><td>not reached</td>');
  });

  it('averages the seeds point by point; a run that diverged counts 0 where it has no evaluation', () => {
    const diverged = { ...scripted('ddp', 3, [0.6], 1000), accuracy: 0, diverged: true };
    const mean = meanCurve([runs[0]!, diverged]);
    expect(mean[0]).toEqual({ step: 2, accuracy: 0.55, seconds: 0.5, bytesSent: 2000 });
    expect(mean[1]).toEqual({ step: 4, accuracy: 0.35, seconds: 1, bytesSent: 4000 });
    expect(summarizeGrid([runs[0]!, diverged], 0.8)[0]).toMatchObject({ accuracy: 0.45, diverged: 1, reached: 1, toTarget: null });
  });
});
