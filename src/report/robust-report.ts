/**
 * The report of a robustness grid: a CSV of every cell, and per rule a heatmap of worst-case test
 * accuracy (the minimum over attacks of the mean over seeds) by heterogeneity and f, as Markdown
 * tables and as an HTML page with SVG heatmaps and accuracy curves (the largest f, every attack).
 */

import type { RobustGridResult } from '../parallel/index.js';
import { escapeXml as escapeHtml, PALETTE } from './svg.js';

/** What the report needs of one cell's result. */
export type RobustCellResult = Omit<RobustGridResult, 'id' | 'wallSec' | 'configHash'>;

export interface WorstCase {
  readonly accuracy: number;
  /** The attack that got it (ties: the first in grid order). */
  readonly attack: string;
  readonly diverged: boolean;
}

export interface Heatmap {
  readonly rule: string;
  readonly rows: readonly string[];
  readonly columns: readonly number[];
  /** cells[row][column]; null where the grid has no run. */
  readonly cells: readonly (readonly (WorstCase | null)[])[];
}

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export function robustHeatmaps(results: readonly RobustCellResult[]): Heatmap[] {
  const rows = unique(results.map((r) => r.heterogeneity));
  const columns = unique(results.map((r) => r.f));
  return unique(results.map((r) => r.rule)).map((rule) => ({
    rule,
    rows,
    columns,
    cells: rows.map((h) =>
      columns.map((f) => {
        const here = results.filter((r) => r.rule === rule && r.heterogeneity === h && r.f === f);
        if (here.length === 0) return null;
        let worst: WorstCase | null = null;
        for (const attack of unique(here.map((r) => r.attack))) {
          const runs = here.filter((r) => r.attack === attack);
          const accuracy = mean(runs.map((r) => r.accuracy));
          if (worst === null || accuracy < worst.accuracy) worst = { accuracy, attack, diverged: runs.some((r) => r.diverged) };
        }
        return worst;
      }),
    ),
  }));
}

export function robustCsv(results: readonly RobustCellResult[]): string {
  const header = 'rule,heterogeneity,f,attack,seed,accuracy,diverged';
  const lines = results.map((r) => [r.rule, r.heterogeneity, r.f, r.attack, r.seed, r.accuracy.toFixed(4), r.diverged].join(','));
  return `${[header, ...lines].join('\n')}\n`;
}

const cellText = (c: WorstCase | null): string => (c === null ? '-' : `${c.accuracy.toFixed(2)}${c.diverged ? ' (div)' : ''}`);

export function robustMarkdown(title: string, maps: readonly Heatmap[]): string {
  const parts = [`# ${title}`, '', 'Worst-case test accuracy over the attacks (mean over seeds); rows: heterogeneity, columns: f.', ''];
  for (const map of maps) {
    parts.push(`## ${map.rule}`, '', `| | ${map.columns.map((f) => `f = ${f}`).join(' | ')} |`, `|---|${map.columns.map(() => '---').join('|')}|`);
    map.rows.forEach((row, i) => parts.push(`| ${row} | ${map.cells[i]!.map((c) => (c ? `${cellText(c)} ${c.attack}` : '-')).join(' | ')} |`));
    parts.push('');
  }
  return parts.join('\n');
}

/** Red (0) through yellow to green (1). */
function colour(accuracy: number): string {
  const hue = Math.round(120 * Math.max(0, Math.min(1, accuracy)));
  return `hsl(${hue}, 65%, 55%)`;
}

function heatmapSvg(map: Heatmap): string {
  const cw = 92;
  const ch = 34;
  const left = 110;
  const top = 24;
  const width = left + cw * map.columns.length + 10;
  const height = top + ch * map.rows.length + 10;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`];
  map.columns.forEach((f, j) => out.push(`<text x="${left + j * cw + cw / 2}" y="16" text-anchor="middle">f = ${f}</text>`));
  map.rows.forEach((row, i) => {
    out.push(`<text x="${left - 6}" y="${top + i * ch + ch / 2 + 4}" text-anchor="end">${escapeHtml(row)}</text>`);
    map.cells[i]!.forEach((c, j) => {
      const x = left + j * cw;
      const y = top + i * ch;
      out.push(`<rect x="${x}" y="${y}" width="${cw - 2}" height="${ch - 2}" fill="${c ? colour(c.accuracy) : '#eee'}"><title>${c ? escapeHtml(`worst: ${c.attack}`) : 'not run'}</title></rect>`);
      out.push(`<text x="${x + cw / 2 - 1}" y="${y + ch / 2 + 4}" text-anchor="middle">${escapeHtml(cellText(c))}</text>`);
    });
  });
  out.push('</svg>');
  return out.join('');
}

function curvesSvg(results: readonly RobustCellResult[], rule: string, heterogeneity: string): string {
  const here = results.filter((r) => r.rule === rule && r.heterogeneity === heterogeneity);
  if (here.length === 0) return '';
  const f = Math.max(...here.map((r) => r.f));
  const attacks = unique(here.filter((r) => r.f === f).map((r) => r.attack));
  const series = attacks.map((attack) => {
    const runs = here.filter((r) => r.f === f && r.attack === attack);
    const steps = runs[0]!.curve.map((p) => p.step);
    return { attack, points: steps.map((step, k) => ({ step, accuracy: mean(runs.map((r) => r.curve[k]?.accuracy ?? 0)) })) };
  });
  const maxStep = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.step)));
  const w = 320;
  const h = 180;
  const pad = 30;
  const x = (step: number): number => pad + ((w - pad - 10) * step) / maxStep;
  const y = (a: number): number => h - pad - (h - pad - 10) * a;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${w + 120}" height="${h}" font-family="sans-serif" font-size="11">`];
  out.push(`<line x1="${pad}" y1="${y(0)}" x2="${w - 10}" y2="${y(0)}" stroke="#999"/><line x1="${pad}" y1="${y(0)}" x2="${pad}" y2="${y(1)}" stroke="#999"/>`);
  for (const a of [0, 0.5, 1]) out.push(`<text x="${pad - 4}" y="${y(a) + 4}" text-anchor="end">${a}</text>`);
  out.push(`<text x="${w - 10}" y="${h - 8}" text-anchor="end">step ${maxStep}</text>`);
  series.forEach((s, i) => {
    const c = PALETTE[i % PALETTE.length];
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="1.5" points="${s.points.map((p) => `${x(p.step).toFixed(1)},${y(p.accuracy).toFixed(1)}`).join(' ')}"/>`);
    out.push(`<text x="${w}" y="${20 + 14 * i}" fill="${c}">${escapeHtml(s.attack)}</text>`);
  });
  out.push(`<text x="${pad + 4}" y="12">${escapeHtml(`${heterogeneity}, f = ${f}`)}</text></svg>`);
  return out.join('');
}

export function robustHtml(title: string, results: readonly RobustCellResult[]): string {
  const maps = robustHeatmaps(results);
  const sections = maps.map(
    (map) =>
      `<section><h2>${escapeHtml(map.rule)}</h2>${heatmapSvg(map)}<div>${map.rows.map((h) => curvesSvg(results, map.rule, h)).join('')}</div></section>`,
  );
  return [
    '<!doctype html><html><head><meta charset="utf-8"><title>',
    escapeHtml(title),
    '</title><style>body{font-family:sans-serif;margin:2em}section{margin-bottom:2em}</style></head><body>',
    `<h1>${escapeHtml(title)}</h1><p>Worst-case test accuracy over the attacks (mean over seeds), by heterogeneity (rows) and number of Byzantine workers f (columns); "(div)": the worst attack made training diverge (counted as 0). Curves: test accuracy during training at the largest f, one line per attack.</p>`,
    ...sections,
    '</body></html>',
  ].join('');
}
