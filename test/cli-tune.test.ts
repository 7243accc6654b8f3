/**
 * `loom tune` as a user runs it: a study in an SQLite file, four tuner processes sharing it, its
 * status, and one-line errors for a bad tune file.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, LOOM, loom, ROOT } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'loom-cli-tune-'));
const tuneFile = (body: string): string => {
  const path = join(dir, `tune-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, body);
  return path;
};

function loomAsync(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [LOOM, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('loom tune', () => {
  it('runs a study into an SQLite file and shows it with status', () => {
    const store = join(dir, 'one.sqlite');
    const file = tuneFile(`name: branin\nstore: ${store}\nobjective: { type: function, name: branin }\nsampler: { type: random, seed: 2 }\ntrials: 30\n`);
    const run = loom('tune', 'run', file, '--plain');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^branin \(minimize\): 30 trials — 30 complete; best [0-9.]+ \(trial \d+: x1=/m);
    const status = loom('tune', 'status', store);
    expect(status.stdout).toMatch(/^branin \(minimize\): 30 trials — 30 complete/);
    const table = loom('tune', 'status', store, '--study', 'branin').stdout.trim().split('\n');
    expect(table[1]).toMatch(/^trial\s+state\s+value\s+steps\s+x1\s+x2$/);
    expect(table).toHaveLength(3 + 30); // the summary line, the header and its rule, the trials
  });

  it('lets four tuner processes share one study: never a lock error, exactly the requested trials, each once', async () => {
    const store = join(dir, 'shared.sqlite');
    // 20 ms a trial: one process alone would take 4 s, so all four are appending at once.
    const file = tuneFile(`name: shared\nstore: ${store}\nobjective: { type: function, name: hartmann6, delayMs: 20 }\nsampler: { type: random, seed: 3 }\ntrials: 200\n`);
    const runs = await Promise.all([0, 1, 2, 3].map(() => loomAsync('tune', 'run', file, '--plain')));
    expect(runs.map((r) => r.status)).toEqual([0, 0, 0, 0]);
    expect(runs.filter((r) => /locked/i.test(r.stderr))).toEqual([]);
    expect(runs.map((r) => r.stderr)).toEqual(['', '', '', '']);
    const ran = runs.map((r) => r.stdout.split('\n').filter((l) => l.startsWith('trial ')).length);
    expect(ran.every((n) => n > 0)).toBe(true);
    expect(ran.reduce((a, b) => a + b, 0)).toBe(200);
    const rows = loom('tune', 'status', store, '--study', 'shared').stdout.trim().split('\n').slice(3);
    expect(rows).toHaveLength(200);
    expect(new Set(rows.map((r) => r.split(/\s+/)[0]))).toEqual(new Set(Array.from({ length: 200 }, (_, i) => String(i))));
    expect(rows.every((r) => r.split(/\s+/)[1] === 'complete')).toBe(true);
  });

  it('stops a search once a trial reaches --stop-at, and refuses a --stop-at that is not a number', () => {
    const store = join(dir, 'stop.sqlite');
    // Random points on Branin below 20 are common (its range is about 0.4 to 300): the search ends long before 500 trials.
    const file = tuneFile(`name: stop\nstore: ${store}\nobjective: { type: function, name: branin }\nsampler: { type: random, seed: 5 }\ntrials: 500\n`);
    const run = loom('tune', 'run', file, '--plain', '--stop-at', '20');
    expect(run.status).toBe(0);
    const values = run.stdout.split('\n').filter((l) => l.startsWith('trial ')).map((l) => Number(l.split(' ')[3]));
    expect(values.length).toBeGreaterThan(0);
    expect(values.length).toBeLessThan(500);
    // The last trial is the first to reach 20: every one before it was worse.
    expect(values[values.length - 1]).toBeLessThanOrEqual(20);
    expect(values.slice(0, -1).every((v) => v > 20)).toBe(true);
    expectOneLineError(loom('tune', 'run', file, '--stop-at', 'high'), /^loom: --stop-at must be a number; got "high"$/);
  });

  it('refuses a bad tune file, an invalid space and a study asked for the other direction, in one line', () => {
    const store = join(dir, 'errors.sqlite');
    const head = `store: ${store}\nobjective: { type: function, name: branin }\ntrials: 3\n`;
    expectOneLineError(loom('tune', 'run', tuneFile(`name: e\n${head}space:\n  x1: { type: float, low: 10, high: -5 }\n  x2: { type: float, low: 0, high: 15 }\n`)), /^loom: search space: parameter "x1": low 10 is greater than high -5$/);
    expectOneLineError(loom('tune', 'run', tuneFile(`name: e\n${head}space:\n  x1: { type: float, low: 0, high: 1, log: true }\n  x2: { type: float, low: 0, high: 15 }\n`)), /parameter "x1": a log scale needs low > 0, got low 0/);
    expectOneLineError(loom('tune', 'run', tuneFile(`name: e\n${head}sampler: { type: cmaes }\n`)), /^loom: sampler\.type: unknown sampler "cmaes" \(valid: random/);
    expectOneLineError(loom('tune', 'run', tuneFile(`name: e\n${head}sampler: { type: random, seeds: 1 }\n`)), /^loom: sampler \(random\): .*seeds/);
    expectOneLineError(loom('tune', 'run', tuneFile(`name: e\n${head.replace('trials: 3', 'trials: 0')}`)), /^loom: config key trials = 0 is invalid/);
    expect(loom('tune', 'run', tuneFile(`name: dir\n${head}`), '--plain').status).toBe(0);
    expectOneLineError(loom('tune', 'run', tuneFile(`name: dir\ndirection: maximize\n${head}`)), /^loom: study "dir" in .*errors\.sqlite is to minimize, but maximize was asked for$/);
    expectOneLineError(loom('tune', 'status', store, '--study', 'nope'), /^loom: no study "nope" in .* \(it holds: dir\)$/);
    const notDb = join(dir, 'text.sqlite');
    writeFileSync(notDb, 'plain text, not a database file; long enough to fill a header page of bytes....');
    expectOneLineError(loom('tune', 'status', notDb), /^loom: study store .*text\.sqlite cannot be opened as an SQLite database: file is not a database$/);
  });

  it('refuses a validation split the training set cannot spare before any trial; shows why trials failed', () => {
    const training = (validation: number, space: string): string =>
      `store: ${join(dir, 'training.sqlite')}\nobjective:\n  type: training\n  validation: ${validation}\n  checkpoints: ${join(dir, 'ck-fail')}\n` +
      '  config: { data: { name: fashion-mnist-subset }, model: { type: mlp, hidden: [8] }, optimizer: { type: sgd, lr: 0.05 }, train: { epochs: 1 } }\n' +
      `space: ${space}\ntrials: 2\n`;
    // The shipped subset holds 6,000 training images; the default validation is 10,000.
    expectOneLineError(
      loom('tune', 'run', tuneFile(`name: v\n${training(6000, '{ optimizer.lr: { type: float, low: 0.01, high: 0.1 } }')}`)),
      /^loom: objective\.validation = 6000 must be less than the 6000 samples of the base config's training set$/,
    );
    // A batch larger than what is left to train on fails every trial, each with its reason.
    const run = loom('tune', 'run', tuneFile(`name: f\n${training(5000, '{ train.batchSize: { type: categorical, choices: [2048] } }')}`), '--plain');
    expect(run.status).toBe(0);
    const reason = 'train.batchSize 2048 is larger than the training set (1000 samples)';
    expect(run.stdout.split('\n').filter((l) => l.startsWith('trial '))).toEqual([`trial 0 failed: ${reason}`, `trial 1 failed: ${reason}`]);
    const table = loom('tune', 'status', join(dir, 'training.sqlite'), '--study', 'f').stdout.trim().split('\n');
    expect(table[1]).toMatch(/ error$/);
    expect(table.slice(3).every((row) => row.endsWith(reason))).toBe(true);
  }, 120_000);
});
