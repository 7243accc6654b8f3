/**
 * `loom robust` as a user runs it: a small grid over blobs in two child processes, its report
 * files, resuming without rerunning finished cells, and one-line errors for a bad grid.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, loom } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'loom-cli-robust-'));
const grid = (extra = ''): string => {
  const path = join(dir, `grid-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    path,
    `name: blobs-grid
base:
  backend: cpu
  data: { name: blobs, classes: 4, dims: 12, trainSize: 400, testSize: 100, seed: 5 }
  model: { type: mlp, hidden: [16] }
  optimizer: { type: sgd, lr: 0.1, momentum: 0.9 }
  train: { steps: 20, evalEvery: 10, logEvery: 1000 }
honest: 4
batchPerWorker: 5
aggregators: [{ type: average }, { type: median }]
attacks: [{ type: optimal-ipm }]
f: [1]
${extra}`,
  );
  return path;
};

describe('loom robust', () => {
  it('runs a grid in two processes and writes the CSV, Markdown and HTML report; a rerun reuses the results', () => {
    const file = grid();
    const out = join(dir, 'out');
    const first = loom('robust', file, '--out', out, '--jobs', '2');
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/blobs-grid: 2 runs, 2 at a time/);
    expect(first.stdout).toMatch(/## median\n\n\| \| f = 1 \|/);
    for (const name of ['results.csv', 'results.json', 'report.md', 'report.html']) expect(existsSync(join(out, name)), name).toBe(true);
    expect(readdirSync(join(out, 'cells'))).toHaveLength(2);
    const csv = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(3);
    const median = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).find((r: { rule: string }) => r.rule === 'median');
    expect(median.accuracy).toBeGreaterThan(0.5);
    expect(median.curve.map((p: { step: number }) => p.step)).toEqual([10, 20]);

    const again = loom('robust', file, '--out', out, '--jobs', '1');
    expect(again.status).toBe(0);
    expect(again.stdout).not.toMatch(/\[\d+\/2\]/); // nothing ran again
    expect(readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n')).toEqual(csv);
  });

  it('refuses a bad grid in one line naming the problem', () => {
    expectOneLineError(loom('robust', grid('seeds: [one]')), /config key seeds\.0 = "one" is invalid/);
    expectOneLineError(loom('robust', grid('heterogeneity: [{ type: sorted }]')), /config key heterogeneity\.0\.type = "sorted" is invalid/);
    expectOneLineError(loom('robust', grid().replace('.yaml', '-missing.yaml')), /config file not found/);
    const krum = grid().replace(/$/, '');
    writeFileSync(krum, readFileSync(krum, 'utf8').replace('{ type: median }', '{ type: krum }').replace('f: [1]', 'f: [1, 2]'));
    // Refused before any cell runs: nothing is written.
    expectOneLineError(loom('robust', krum, '--out', join(dir, 'krum')), /robust\.aggregator: krum needs n > 2f \+ 2; got n = 6, f = 2/);
    expect(existsSync(join(dir, 'krum'))).toBe(false);
  });
});
