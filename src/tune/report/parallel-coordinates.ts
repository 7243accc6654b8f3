/**
 * Parallel coordinates: the objective and one vertical axis per parameter (log-scaled for a log
 * distribution, the choices for a categorical, the distribution's whole range for a number); each
 * complete trial is a line through its values, coloured from light (worst) to dark (best), the
 * best drawn last. A trial without a (conditional) parameter leaves a gap at that axis.
 */
import { emptyChart, escapeXml, formatNumber, px, scale, sequentialColour, svgOpen, type Scale } from '../../report/svg.js';
import type { Distribution, ParamValue } from '../space/distribution.js';
import { lossOf, type Direction, type FrozenTrial } from '../study/trial.js';

const HEIGHT = 400;
const TOP = 62;
const BOTTOM = HEIGHT - 30;
const LEFT = 60;
const BAR = 110; // room on the right for the colour bar

interface Axis {
  readonly name: string;
  readonly kind: 'objective' | 'linear' | 'log' | 'categorical';
  /** The pixel height of a value; null where the axis cannot place it. */
  readonly at: (v: ParamValue) => number | null;
  readonly ticks: readonly { readonly y: number; readonly label: string }[];
}

function numericAxis(name: string, kind: 'objective' | 'linear' | 'log', s: Scale, integer: boolean): Axis {
  const ticks = s.ticks.filter((t) => !integer || Number.isInteger(t)).map((t) => ({ y: s.map(t), label: formatNumber(t) }));
  return { name, kind, at: (v) => (typeof v === 'number' && Number.isFinite(v) ? s.map(v) : null), ticks };
}

/** One axis for a parameter over every distribution it had: the union of the choices, or of the ranges. */
function paramAxis(name: string, distributions: readonly Distribution[]): Axis {
  const categorical = distributions.filter((d) => d.kind === 'categorical');
  if (categorical.length > 0) {
    const choices: ParamValue[] = [];
    for (const d of categorical) for (const c of d.choices) if (!choices.includes(c)) choices.push(c);
    const y = (i: number): number => (choices.length === 1 ? (TOP + BOTTOM) / 2 : BOTTOM - (i / (choices.length - 1)) * (BOTTOM - TOP));
    return {
      name,
      kind: 'categorical',
      at: (v) => (choices.includes(v) ? y(choices.indexOf(v)) : null),
      ticks: choices.map((c, i) => ({ y: y(i), label: String(c) })),
    };
  }
  const numeric = distributions.filter((d) => d.kind !== 'categorical');
  const low = Math.min(...numeric.map((d) => d.low));
  const high = Math.max(...numeric.map((d) => d.high));
  const log = numeric.every((d) => d.log);
  const integer = numeric.every((d) => d.kind === 'int');
  return numericAxis(name, log ? 'log' : 'linear', scale([low, high], [BOTTOM, TOP], { log, integer, ticks: 5 }), integer);
}

const shorten = (s: string, n = 20): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function parallelCoordinatesSvg(trials: readonly FrozenTrial[], direction: Direction, title = 'Parallel coordinates'): string {
  const complete = trials.filter((t) => t.state === 'complete' && t.value !== null && Number.isFinite(t.value));
  if (complete.length === 0) return emptyChart(640, HEIGHT, title, 'no complete trial yet');
  const names = [...new Set(complete.flatMap((t) => Object.keys(t.params)))];
  const values = complete.map((t) => t.value as number);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const axes: Axis[] = [
    numericAxis('objective', 'objective', scale([lo, hi], [BOTTOM, TOP], { ticks: 5 }), false),
    ...names.map((name) => paramAxis(name, complete.flatMap((t) => (t.distributions[name] ? [t.distributions[name]!] : [])))),
  ];
  const gap = 130;
  const width = Math.max(640, LEFT + gap * (axes.length - 1) + BAR + 40);
  const span = width - LEFT - BAR - 40;
  const axisX = (k: number): number => (axes.length === 1 ? LEFT + span / 2 : LEFT + (k * span) / (axes.length - 1));
  const losses = complete.map((t) => lossOf(direction, t.value as number));
  const worst = Math.max(...losses);
  const best = Math.min(...losses);
  const goodness = (loss: number): number => (worst === best ? 1 : (worst - loss) / (worst - best));
  const out = [svgOpen(width, HEIGHT)];
  out.push(`<text class="title" x="${px(width / 2)}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`);
  const drawn = complete.map((t, i) => ({ t, loss: losses[i]! })).sort((a, b) => b.loss - a.loss || a.t.number - b.t.number);
  for (const { t, loss } of drawn) {
    let d = '';
    let pen = false;
    axes.forEach((axis, k) => {
      const v = k === 0 ? t.value : t.params[axis.name];
      const y = v === undefined ? null : axis.at(v);
      if (y === null) {
        pen = false;
        return;
      }
      d += `${d ? ' ' : ''}${pen ? 'L' : 'M'}${px(axisX(k))},${px(y)}`;
      pen = true;
    });
    out.push(`<path class="trial" data-trial="${t.number}" d="${d}" fill="none" stroke="${sequentialColour(0.15 + 0.85 * goodness(loss))}" stroke-width="1.3"><title>trial ${t.number}: ${escapeXml(formatNumber(t.value as number))}</title></path>`);
  }
  axes.forEach((axis, k) => {
    const ax = px(axisX(k));
    out.push(`<g class="axis" data-param="${escapeXml(axis.name)}" data-scale="${axis.kind}">`);
    out.push(`<line x1="${ax}" y1="${TOP}" x2="${ax}" y2="${BOTTOM}" stroke="#333"/>`);
    const label = axis.kind === 'log' ? `${axis.name} (log)` : axis.name;
    out.push(`<text class="axis-label" x="${ax}" y="${TOP - 22}" text-anchor="middle" font-weight="bold">${escapeXml(shorten(label))}</text>`);
    for (const tick of axis.ticks) {
      out.push(`<line x1="${ax}" y1="${px(tick.y)}" x2="${px(axisX(k) - 4)}" y2="${px(tick.y)}" stroke="#333"/>`);
      out.push(`<text class="tick" x="${px(axisX(k) - 6)}" y="${px(tick.y + 4)}" text-anchor="end" paint-order="stroke" stroke="#fff" stroke-width="3">${escapeXml(shorten(tick.label, 14))}</text>`);
    }
    out.push('</g>');
  });
  // The colour bar, oriented as the objective axis (low values at the bottom), dark at the best end.
  const bx = width - BAR;
  const shade = (t: number): string => sequentialColour(0.15 + 0.85 * (direction === 'minimize' ? 1 - t : t));
  out.push('<defs><linearGradient id="objective-colour" x1="0" y1="1" x2="0" y2="0">');
  for (const stop of [0, 0.25, 0.5, 0.75, 1]) out.push(`<stop offset="${stop}" stop-color="${shade(stop)}"/>`);
  out.push('</linearGradient></defs>');
  out.push(`<rect class="colour-bar" x="${bx}" y="${TOP}" width="14" height="${BOTTOM - TOP}" fill="url(#objective-colour)" stroke="#999"/>`);
  out.push(`<text x="${bx + 18}" y="${TOP + 8}">${escapeXml(formatNumber(hi))}${direction === 'maximize' ? ' (best)' : ''}</text>`);
  out.push(`<text x="${bx + 18}" y="${BOTTOM}">${escapeXml(formatNumber(lo))}${direction === 'minimize' ? ' (best)' : ''}</text>`);
  out.push(`<text x="${bx}" y="${TOP - 8}">objective</text>`);
  out.push('</svg>');
  return out.join('');
}
