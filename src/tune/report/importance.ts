/**
 * Parameter importance (fANOVA, see ../importance/param-importances.ts) as horizontal bars, the
 * most important on top, each labelled with its share; or the reason there is none.
 */
import { emptyChart, escapeXml, frame, px, scale, svgOpen } from '../../report/svg.js';
import type { ImportanceResult } from '../importance/param-importances.js';

const WIDTH = 640;

export function importanceSvg(result: ImportanceResult, title = 'Parameter importance (fANOVA)'): string {
  if (!result.ok) return emptyChart(WIDTH, 200, title, result.reason);
  const rowHeight = 24;
  const labelWidth = Math.min(200, 24 + 7 * Math.max(...result.params.map((p) => p.name.length)));
  const plot = { left: labelWidth, top: 34, right: WIDTH - 60, bottom: 34 + rowHeight * result.params.length };
  const height = plot.bottom + 50;
  const x = scale([0, 1], [plot.left, plot.right], { ticks: 5 });
  const none = scale([0, 1], [plot.bottom, plot.top]);
  const out = [svgOpen(WIDTH, height), frame({ width: WIDTH, height, plot, title, xLabel: `share of the objective's variance (${result.trials} complete trials)`, yLabel: '', x, y: { ...none, ticks: [] } })];
  result.params.forEach((p, i) => {
    const y = plot.top + i * rowHeight;
    const w = x.map(p.importance) - plot.left;
    out.push(`<text class="param" x="${plot.left - 6}" y="${px(y + rowHeight / 2 + 4)}" text-anchor="end">${escapeXml(p.name)}</text>`);
    out.push(`<rect class="bar" data-param="${escapeXml(p.name)}" data-importance="${p.importance}" x="${plot.left}" y="${y + 4}" width="${px(Math.max(0, w))}" height="${rowHeight - 8}" fill="#1f77b4"/>`);
    out.push(`<text x="${px(plot.left + w + 4)}" y="${px(y + rowHeight / 2 + 4)}">${(100 * p.importance).toFixed(1)}%</text>`);
  });
  out.push('</svg>');
  return out.join('');
}
