/** The report page of a grid: what the numbers mean, the summary table, and the three learning-curve charts, in one HTML file. */
import type { GridCharts } from './grid-charts.js';
import { summaryNote, summaryTable, type CellSummary, type SecondsKind } from './grid-summary.js';
import { escapeXml } from './svg.js';

export function gridHtml(title: string, summary: readonly CellSummary[], charts: GridCharts, target: number | undefined, kind: SecondsKind): string {
  const { header, rows } = summaryTable(summary, target, kind);
  const head = `<tr>${header.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`).join('');
  return [
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeXml(title)}</title>`,
    '<style>body{font-family:sans-serif;margin:2em;max-width:1400px}table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:2px 8px;text-align:right}',
    'th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}.charts svg{margin:0 1em 1em 0;vertical-align:top}</style></head><body>',
    `<h1>${escapeXml(title)}</h1><p>${escapeXml(summaryNote(target, kind))}</p>`,
    `<table class="summary"><thead>${head}</thead><tbody>${body}</tbody></table>`,
    `<section class="charts"><h2>Learning curves</h2>${charts.steps}${charts.seconds}${charts.bytes}</section>`,
    '</body></html>\n',
  ].join('');
}
