/**
 * Intermediate values: one line per trial over the steps it reported, coloured by its state, with
 * a dot at every report. Steps at which several trials stopped (the rungs of successive halving,
 * ASHA and Hyperband) get a dashed line labelled with how many trials reached them.
 */
import { emptyChart, escapeXml, formatNumber, frame, paddedExtent, paddedLogExtent, px, scale, svgOpen } from '../../report/svg.js';
import type { FrozenTrial, TrialState } from '../study/trial.js';

const WIDTH = 640;
const HEIGHT = 380;
const PLOT = { left: 70, top: 48, right: WIDTH - 110, bottom: HEIGHT - 50 };

export const STATE_COLOURS: Readonly<Record<TrialState, string>> = {
  complete: '#1f77b4',
  pruned: '#ff7f0e',
  paused: '#9467bd',
  failed: '#d62728',
  running: '#7f7f7f',
  waiting: '#7f7f7f',
};

export interface IntermediateOptions {
  readonly title?: string;
  /** A log step axis; 'auto' (default): when every step is positive and they span 20x or more. */
  readonly logX?: boolean | 'auto';
}

/** The steps at which at least two trials made their last report, ascending. */
export function rungSteps(trials: readonly FrozenTrial[]): number[] {
  const stops = new Map<number, number>();
  for (const t of trials) {
    if (t.intermediate.size === 0 || t.state === 'running' || t.state === 'waiting') continue;
    const last = Math.max(...t.intermediate.keys());
    stops.set(last, (stops.get(last) ?? 0) + 1);
  }
  return [...stops].filter(([, n]) => n >= 2).map(([step]) => step).sort((a, b) => a - b);
}

export function intermediateSvg(trials: readonly FrozenTrial[], options: IntermediateOptions = {}): string {
  const title = options.title ?? 'Intermediate values';
  const reporting = trials.filter((t) => t.intermediate.size > 0).sort((a, b) => a.number - b.number);
  if (reporting.length === 0) return emptyChart(WIDTH, HEIGHT, title, 'no trial reported intermediate values');
  const points = reporting.map((t) => [...t.intermediate].filter(([, v]) => Number.isFinite(v)).sort((a, b) => a[0] - b[0]));
  const steps = points.flatMap((p) => p.map(([s]) => s));
  const values = points.flatMap((p) => p.map(([, v]) => v));
  const positive = steps.length > 0 && steps.every((s) => s > 0);
  const logX = options.logX === 'auto' || options.logX === undefined ? positive && Math.max(...steps) >= 20 * Math.min(...steps) : options.logX && positive;
  const x = scale(logX ? paddedLogExtent(steps.length ? steps : [1], 0.03) : paddedExtent(steps.length ? steps : [0], 0.03), [PLOT.left, PLOT.right], { log: logX, integer: steps.every(Number.isInteger) });
  const y = scale(paddedExtent(values.length ? values : [0]), [PLOT.bottom, PLOT.top]);
  const out = [svgOpen(WIDTH, HEIGHT), frame({ width: WIDTH, height: HEIGHT, plot: PLOT, title, xLabel: logX ? 'step (log scale)' : 'step', yLabel: 'intermediate value', x, y })];
  const rungs = rungSteps(reporting);
  for (const step of rungs) {
    const reached = reporting.filter((t) => t.intermediate.has(step)).length;
    const xs = px(x.map(step));
    out.push(`<line class="rung" data-step="${step}" x1="${xs}" y1="${PLOT.top}" x2="${xs}" y2="${PLOT.bottom}" stroke="#444" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${xs}" y="${PLOT.top - 4}" text-anchor="middle" fill="#444">${escapeXml(`${formatNumber(step)}: ${reached}`)}</text>`);
  }
  // Finished states on top of paused ones, complete last, so the trials that got furthest stay visible.
  const order: readonly TrialState[] = ['waiting', 'running', 'failed', 'paused', 'pruned', 'complete'];
  const drawn = reporting.map((t, i) => ({ t, p: points[i]! })).sort((a, b) => order.indexOf(a.t.state) - order.indexOf(b.t.state) || a.t.number - b.t.number);
  for (const { t, p } of drawn) {
    const colour = STATE_COLOURS[t.state];
    const coords = p.map(([s, v]) => `${px(x.map(s))},${px(y.map(v))}`);
    out.push(`<g class="trial" data-trial="${t.number}" data-state="${t.state}"><title>trial ${t.number} (${t.state})</title>`);
    out.push(`<polyline fill="none" stroke="${colour}" stroke-opacity="0.7" stroke-width="1.2" points="${coords.join(' ')}"/>`);
    for (const c of coords) {
      const [cx, cy] = c.split(',');
      out.push(`<circle cx="${cx}" cy="${cy}" r="2" fill="${colour}"/>`);
    }
    out.push('</g>');
  }
  const present = order.filter((s) => reporting.some((t) => t.state === s)).reverse();
  present.forEach((state, i) => {
    const ly = PLOT.top + 10 + 16 * i;
    const n = reporting.filter((t) => t.state === state).length;
    out.push(`<line x1="${PLOT.right + 12}" y1="${ly}" x2="${PLOT.right + 26}" y2="${ly}" stroke="${STATE_COLOURS[state]}" stroke-width="2"/>`);
    out.push(`<text class="legend" x="${PLOT.right + 30}" y="${ly + 4}">${state} (${n})</text>`);
  });
  if (rungs.length > 0) {
    const ly = PLOT.top + 10 + 16 * present.length;
    out.push(`<line x1="${PLOT.right + 12}" y1="${ly}" x2="${PLOT.right + 26}" y2="${ly}" stroke="#444" stroke-dasharray="4 3"/>`);
    out.push(`<text class="legend" x="${PLOT.right + 30}" y="${ly + 4}">rung</text>`);
    out.push(`<text x="${PLOT.right + 12}" y="${ly + 20}" fill="#444">(step: trials</text><text x="${PLOT.right + 12}" y="${ly + 34}" fill="#444">reaching it)</text>`);
  }
  out.push('</svg>');
  return out.join('');
}
