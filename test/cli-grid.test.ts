/**
 * `loom grid` as a user runs it: a small grid over blobs (a base config file, an axis and named
 * cells) in two child processes, its report files, resuming without rerunning finished cells, and
 * a bad cell refused in one line before anything runs.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, loom } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'loom-cli-grid-'));
writeFileSync(
  join(dir, 'base.yaml'),
  `backend: cpu
data: { name: blobs, classes: 4, dims: 12, trainSize: 400, testSize: 100, seed: 5 }
model: { type: mlp, hidden: [16] }
optimizer: { type: sgd, lr: 0.1, momentum: 0.9 }
train: { steps: 20, batchSize: 32, evalEvery: 10, logEvery: 1000 }
distributed: { mode: virtual, workers: 4, computeGflops: 10, network: { latencyUs: 50, bandwidthGbps: 1 } }
`,
);
const grid = (cells: string): string => {
  const path = join(dir, `grid-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, `name: blobs-strategies\nbase: base.yaml\naxes: { distributed.workers: [2, 4] }\ncells:\n${cells}\nparallel: 2\ntarget: 0.5\n`);
  return path;
};
const cells = `  - { name: ddp, set: { strategy: { type: ddp } } }
  - { name: local-sgd, set: { strategy.type: local-sgd, strategy.period: 4 } }`;

describe('loom grid', () => {
  it('runs every cell in two processes and writes the summary and the curves; a rerun reuses the results', () => {
    const file = grid(cells);
    const out = join(dir, 'out');
    const first = loom('grid', file, '--out', out);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/blobs-strategies: 4 cells x 1 seeds = 4 runs, 2 at a time/);
    expect(first.stdout).toMatch(/\| cell \| seeds \| final test accuracy \| sim s total \| MB sent total \| steps to 0\.5 \| sim s to 0\.5 \| MB sent to 0\.5 \|/);
    for (const name of ['results.json', 'summary.csv', 'report.md', 'report.html', 'accuracy-by-step.svg', 'accuracy-by-seconds.svg', 'accuracy-by-bytes.svg']) {
      expect(existsSync(join(out, name)), name).toBe(true);
    }
    expect(readdirSync(join(out, 'cells')).sort()).toEqual(['ddp_workers=2__s1.json', 'ddp_workers=4__s1.json', 'local-sgd_workers=2__s1.json', 'local-sgd_workers=4__s1.json']);
    const csv = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('cell,seeds,final_accuracy_mean,diverged,sim_seconds_total,bytes_total,target,reached,steps_to_target,sim_seconds_to_target,bytes_to_target');
    expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(['ddp workers=2', 'ddp workers=4', 'local-sgd workers=2', 'local-sgd workers=4']);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { cell: string; accuracy: number; simulated: boolean; curve: { step: number; bytesSent: number; seconds: number }[] }[];
    for (const r of results) {
      expect(r.accuracy, r.cell).toBeGreaterThan(0.5);
      expect(r.simulated).toBe(true);
      expect(r.curve.map((p) => p.step)).toEqual([10, 20]);
      expect(r.curve[1]!.bytesSent).toBeGreaterThan(r.curve[0]!.bytesSent);
      expect(r.curve[1]!.seconds).toBeGreaterThan(r.curve[0]!.seconds);
    }
    // Local SGD averages every 4 steps: it sends less than DDP, which all-reduces every step.
    const sent = (cell: string): number => results.find((r) => r.cell === cell)!.curve[1]!.bytesSent;
    expect(sent('local-sgd workers=4')).toBeLessThan(sent('ddp workers=4') / 2);
    expect(readFileSync(join(out, 'report.html'), 'utf8').match(/<svg /g)).toHaveLength(3);

    const again = loom('grid', file, '--out', out, '--parallel', '1');
    expect(again.status).toBe(0);
    expect(again.stdout).not.toMatch(/\[\d+\/4\]/); // nothing ran again
    expect(readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n')).toEqual(csv);
  });

  it('refuses a bad cell in one line naming the cell and the key, before any cell runs', () => {
    const out = join(dir, 'bad');
    const bad = grid(`${cells}\n  - { name: ps-ssp, set: { strategy: { type: ps, consistency: ssp } } }`);
    expectOneLineError(loom('grid', bad, '--out', out), /^loom: grid cell "ps-ssp workers=2": config key strategy\.staleness is missing/);
    expect(existsSync(out)).toBe(false);
    expectOneLineError(loom('grid', grid(cells), '--parallel', 'two'), /--parallel must be a positive integer; got "two"/);
  });

  it('says what it does in --help', () => {
    const help = loom('grid', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/test accuracy against steps, seconds and bytes sent/);
    expect(help.stdout).toMatch(/axes:/);
  });
});
