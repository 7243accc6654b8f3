/**
 * The study report page: the summary line, the best trial and its parameters, the four charts
 * inline, and the trial table — one self-contained HTML file.
 */
import { escapeXml } from '../../report/svg.js';
import { summarize, summaryLine, trialTable } from '../study/summary.js';
import type { Direction, FrozenTrial } from '../study/trial.js';

export interface StudyCharts {
  readonly history: string;
  readonly intermediate: string;
  readonly parallelCoordinates: string;
  readonly importance: string;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], className: string): string {
  const head = `<tr>${header.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`).join('');
  return `<table class="${className}"><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

export function studyReportHtml(name: string, direction: Direction, trials: readonly FrozenTrial[], charts: StudyCharts): string {
  const summary = summarize(name, direction, trials);
  const best = summary.best;
  const bestSection = best
    ? `<p>Trial ${best.number}, value <b>${escapeXml(String(best.value))}</b>.</p>${table(['parameter', 'value'], Object.entries(best.params).map(([k, v]) => [k, String(v)]), 'best')}`
    : '<p>No complete trial yet.</p>';
  const [header, ...rows] = trialTable(trials);
  return [
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeXml(`Study ${name}`)}</title>`,
    '<style>body{font-family:sans-serif;margin:2em;max-width:1400px}section{margin-bottom:2em}table{border-collapse:collapse}',
    'th,td{border:1px solid #ddd;padding:2px 8px;text-align:right}th{background:#f4f4f4}.charts svg{margin:0 1em 1em 0;vertical-align:top}</style></head><body>',
    `<h1>${escapeXml(`Study ${name}`)}</h1><p class="summary">${escapeXml(summaryLine(summary))}</p>`,
    `<section><h2>Best trial</h2>${bestSection}</section>`,
    `<section class="charts"><h2>Charts</h2>${charts.history}${charts.intermediate}${charts.parallelCoordinates}${charts.importance}`,
    '<p>Importance: fANOVA (Hutter, Hoos and Leyton-Brown, ICML 2014) on a random forest of 64 regression trees fitted to the complete trials, each parameter uniform over its range (log where log-scaled); the share of the variance its main effect explains, normalised to sum to 100%.</p></section>',
    `<section><h2>Trials</h2>${table(header!, rows, 'trials')}</section>`,
    '</body></html>\n',
  ].join('');
}
