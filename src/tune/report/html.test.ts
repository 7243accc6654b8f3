/** The report page: the best trial, the four charts inline, the trial table. */
import { describe, expect, it } from 'vitest';
import { floatDistribution } from '../space/distribution.js';
import { studyReportHtml } from './html.js';
import { makeTrial } from './test-support/trials.js';
import { studyCharts } from './write-report.js';
import { paramImportances } from '../importance/param-importances.js';

const x = floatDistribution('x', 0, 10);
const trials = [3, 1, 2].map((value, i) => makeTrial(i, { value, params: { x: value * 2, tag: i === 1 ? '<b>' : 'plain' }, distributions: { x } }));

describe('study report page', () => {
  it('shows the best trial with its parameters, the charts and every trial', () => {
    const charts = studyCharts(trials, 'minimize', paramImportances(trials));
    const html = studyReportHtml('demo & co', 'minimize', trials, charts);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<h1>Study demo &amp; co</h1>');
    expect(html).toContain('Trial 1, value <b>1</b>');
    expect(html).toContain('<table class="best"><thead><tr><th>parameter</th><th>value</th></tr></thead><tbody><tr><td>x</td><td>2</td></tr><tr><td>tag</td><td>&lt;b&gt;</td></tr></tbody></table>');
    expect(html.match(/<svg /g)).toHaveLength(4);
    for (const svg of Object.values(charts)) expect(html).toContain(svg);
    const table = html.slice(html.indexOf('<table class="trials">'));
    expect(table.match(/<tr>/g)).toHaveLength(1 + 3);
    expect(table).toContain('<th>trial</th><th>state</th><th>value</th><th>steps</th><th>x</th><th>tag</th>');
  });

  it('says when there is no complete trial yet', () => {
    const failed = [makeTrial(0, { state: 'failed' })];
    const html = studyReportHtml('s', 'maximize', failed, studyCharts(failed, 'maximize', paramImportances(failed)));
    expect(html).toContain('No complete trial yet.');
    expect(html).toContain('parameter importance needs at least 2 complete trials; the study has 0');
  });
});
