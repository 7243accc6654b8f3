/**
 * The grid's three learning-curve charts: test accuracy against steps, against seconds (simulated
 * in virtual mode, and labelled so) and against MB sent by rank 0; one line per cell, the mean over
 * its seeds at each evaluation (a run that diverged before an evaluation counts 0 there).
 */
import type { CurvePoint } from '../parallel/index.js';
import { byCell, secondsKind, type GridReportRun } from './grid-summary.js';
import { lineChart } from './line-chart.js';

export interface GridCharts {
  readonly steps: string;
  readonly seconds: string;
  readonly bytes: string;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The seeds' curves averaged point by point (seeds share their evaluation steps). */
export function meanCurve(runs: readonly GridReportRun[]): CurvePoint[] {
  const length = Math.max(0, ...runs.map((r) => r.curve.length));
  return Array.from({ length }, (_, k) => {
    const here = runs.flatMap((r) => (r.curve[k] ? [r.curve[k]] : []));
    return {
      step: mean(here.map((p) => p.step)),
      seconds: mean(here.map((p) => p.seconds)),
      bytesSent: mean(here.map((p) => p.bytesSent)),
      accuracy: here.reduce((sum, p) => sum + p.accuracy, 0) / runs.length,
    };
  });
}

const SECONDS_LABEL = { simulated: 'simulated seconds (virtual clock)', wall: 'wall seconds', mixed: 'seconds (simulated in virtual mode, wall otherwise)' } as const;

export function gridCharts(runs: readonly GridReportRun[], target?: number): GridCharts {
  const curves = byCell(runs).map(([cell, here]) => ({ cell, points: meanCurve(here) }));
  const chart = (title: string, xLabel: string, x: (p: CurvePoint) => number): string =>
    lineChart({
      title,
      xLabel,
      yLabel: 'test accuracy',
      series: curves.map((c) => ({ name: c.cell, points: c.points.map((p) => ({ x: x(p), y: p.accuracy })) })),
      ...(target !== undefined ? { reference: { y: target, label: `target ${target}` } } : {}),
    });
  const kind = secondsKind(runs);
  return {
    steps: chart('Test accuracy by step', 'step', (p) => p.step),
    seconds: chart(`Test accuracy by ${kind === 'simulated' ? 'simulated ' : kind === 'wall' ? 'wall ' : ''}time`, SECONDS_LABEL[kind], (p) => p.seconds),
    bytes: chart('Test accuracy by bytes sent', 'MB sent by rank 0', (p) => p.bytesSent / 1e6),
  };
}
