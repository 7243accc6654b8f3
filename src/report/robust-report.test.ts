/** The robustness report's worst case, tables and page on hand-made results. */
import { describe, expect, it } from 'vitest';
import { robustCsv, robustHeatmaps, robustHtml, robustMarkdown, type RobustCellResult } from './robust-report.js';

const cell = (rule: string, heterogeneity: string, f: number, attack: string, seed: number, accuracy: number, diverged = false): RobustCellResult => ({
  rule, heterogeneity, f, attack, seed, accuracy, diverged, curve: [{ step: 10, accuracy: accuracy / 2 }, { step: 20, accuracy }],
});

const results = [
  // average, iid, f = 1: sign flipping 0.8 and 0.6 over two seeds (mean 0.7), ALIE 0.75 -> worst 0.7 (sign flipping).
  cell('average', 'iid', 1, 'sign-flipping', 1, 0.8),
  cell('average', 'iid', 1, 'sign-flipping', 2, 0.6),
  cell('average', 'iid', 1, 'alie', 1, 0.75),
  cell('average', 'iid', 1, 'alie', 2, 0.75),
  // f = 2: ALIE diverged (0) on one seed -> mean 0.4, worst.
  cell('average', 'iid', 2, 'sign-flipping', 1, 0.5),
  cell('average', 'iid', 2, 'alie', 1, 0),
  cell('average', 'iid', 2, 'alie', 2, 0.8, false),
  cell('nnm+median', 'label-sorted', 2, 'alie', 1, 0.3),
];
results[5] = { ...results[5]!, diverged: true };

describe('robust report', () => {
  it('takes the worst attack of the seed means, per rule, heterogeneity and f', () => {
    const [average, median] = robustHeatmaps(results);
    expect(average!.rule).toBe('average');
    expect(average!.rows).toEqual(['iid', 'label-sorted']);
    expect(average!.columns).toEqual([1, 2]);
    expect(average!.cells[0]![0]).toEqual({ accuracy: expect.closeTo(0.7, 12), attack: 'sign-flipping', diverged: false });
    expect(average!.cells[0]![1]).toEqual({ accuracy: expect.closeTo(0.4, 12), attack: 'alie', diverged: true });
    expect(average!.cells[1]).toEqual([null, null]);
    expect(median!.cells[1]![1]).toEqual({ accuracy: 0.3, attack: 'alie', diverged: false });
  });
  it('writes the CSV, the Markdown tables and an HTML page with a heatmap and curves per rule', () => {
    const csv = robustCsv(results).trim().split('\n');
    expect(csv[0]).toBe('rule,heterogeneity,f,attack,seed,accuracy,diverged');
    expect(csv[6]).toBe('average,iid,2,alie,1,0.0000,true');
    const markdown = robustMarkdown('grid', robustHeatmaps(results));
    expect(markdown).toContain('| iid | 0.70 sign-flipping | 0.40 (div) alie |');
    expect(markdown).toContain('| label-sorted | - | 0.30 alie |');
    const html = robustHtml('grid', results);
    expect(html.match(/<section>/g)).toHaveLength(2);
    expect(html.match(/<polyline/g)!.length).toBe(3); // average iid (f = 2: two attacks) + median label-sorted (one)
    expect(html).toContain('nnm+median');
  });
});
