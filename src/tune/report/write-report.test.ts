/** The report directory: every file, whole, and nothing left over from writing it. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floatDistribution } from '../space/distribution.js';
import { makeTrial } from './test-support/trials.js';
import { writeStudyReport } from './write-report.js';

describe('writeStudyReport', () => {
  it('writes the four charts, the CSV and the page, replacing an earlier report', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'loom-study-report-')), 'report');
    const a = floatDistribution('a', 0, 1);
    const b = floatDistribution('b', 0, 1);
    const trials = Array.from({ length: 30 }, (_, i) => {
      const p = { a: (i * 7) % 30 / 30, b: (i * 11) % 30 / 30 };
      return makeTrial(i, { value: 5 * p.a + p.b, params: p, distributions: { a, b }, reports: [[1, 6 * p.a], [2, 5 * p.a + p.b]] });
    });
    writeStudyReport(out, 'first', 'minimize', trials.slice(0, 1));
    const { files, importance } = writeStudyReport(out, 'ab', 'minimize', trials);
    expect(files.map((f) => f.slice(out.length + 1))).toEqual(['history.svg', 'intermediate.svg', 'parallel-coordinates.svg', 'importance.svg', 'trials.csv', 'report.html']);
    expect(readdirSync(out).sort()).toEqual(['history.svg', 'importance.svg', 'intermediate.svg', 'parallel-coordinates.svg', 'report.html', 'trials.csv']);
    if (!importance.ok) throw new Error(importance.reason);
    expect(importance.params[0]!.name).toBe('a');
    for (const svg of ['history.svg', 'intermediate.svg', 'parallel-coordinates.svg', 'importance.svg']) {
      const text = readFileSync(join(out, svg), 'utf8');
      expect(text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(text).toMatch(/<\/svg>$/);
    }
    expect(readFileSync(join(out, 'trials.csv'), 'utf8').trim().split('\n')).toHaveLength(31);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<h1>Study ab</h1>');
  });
});
