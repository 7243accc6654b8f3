/**
 * The optimization history: each complete trial's value by trial number (dots) and the best value
 * so far (a step line, falling when minimizing, rising when maximizing).
 */
import { emptyChart, escapeXml, formatNumber, frame, paddedExtent, px, scale, svgOpen } from '../../report/svg.js';
import { lossOf, type Direction, type FrozenTrial } from '../study/trial.js';

const WIDTH = 640;
const HEIGHT = 360;
const PLOT = { left: 70, top: 34, right: WIDTH - 20, bottom: HEIGHT - 50 };

export function historySvg(trials: readonly FrozenTrial[], direction: Direction, title = 'Optimization history'): string {
  const complete = trials.filter((t) => t.state === 'complete' && t.value !== null && Number.isFinite(t.value)).sort((a, b) => a.number - b.number);
  if (complete.length === 0) return emptyChart(WIDTH, HEIGHT, title, 'no complete trial yet');
  const values = complete.map((t) => t.value as number);
  const numbers = trials.map((t) => t.number);
  const x = scale(paddedExtent([Math.min(...numbers), Math.max(...numbers)], 0.02), [PLOT.left, PLOT.right], { integer: true, ticks: 8 });
  const y = scale(paddedExtent(values), [PLOT.bottom, PLOT.top]);
  const out = [svgOpen(WIDTH, HEIGHT), frame({ width: WIDTH, height: HEIGHT, plot: PLOT, title, xLabel: 'trial', yLabel: `objective value (${direction})`, x, y })];
  // Best so far as steps: level until the next improvement, then a vertical move to it.
  const steps: string[] = [];
  let best = Infinity;
  let bestValue = 0;
  for (const t of complete) {
    const v = t.value as number;
    if (steps.length > 0) steps.push(`${px(x.map(t.number))},${px(y.map(bestValue))}`);
    if (lossOf(direction, v) < best) {
      best = lossOf(direction, v);
      bestValue = v;
    }
    steps.push(`${px(x.map(t.number))},${px(y.map(bestValue))}`);
  }
  steps.push(`${px(x.map(Math.max(...numbers)))},${px(y.map(bestValue))}`);
  out.push(`<polyline class="best" fill="none" stroke="#d62728" stroke-width="2" points="${steps.join(' ')}"/>`);
  for (const t of complete) {
    const v = t.value as number;
    out.push(`<circle class="trial" data-trial="${t.number}" cx="${px(x.map(t.number))}" cy="${px(y.map(v))}" r="3" fill="#1f77b4" fill-opacity="0.75"><title>trial ${t.number}: ${escapeXml(formatNumber(v))}</title></circle>`);
  }
  const lx = PLOT.right - 150;
  out.push(`<circle cx="${lx}" cy="${PLOT.top + 8}" r="3" fill="#1f77b4"/><text x="${lx + 8}" y="${PLOT.top + 12}">objective value</text>`);
  out.push(`<line x1="${lx - 6}" y1="${PLOT.top + 24}" x2="${lx + 4}" y2="${PLOT.top + 24}" stroke="#d62728" stroke-width="2"/><text x="${lx + 8}" y="${PLOT.top + 28}">best value so far</text>`);
  out.push('</svg>');
  return out.join('');
}
