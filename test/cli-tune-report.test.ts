/**
 * `loom tune report` as a user runs it: a short study, then its report directory (the four
 * charts, the CSV, the page) checked for what each file should hold; an ASHA study's rungs; too
 * few trials said in the report; one-line errors for an unknown study and one with no complete trial.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, LOOM, loom } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'loom-cli-tune-report-'));
const store = join(dir, 's.sqlite');
const count = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;
const read = (...path: string[]): string => readFileSync(join(...path), 'utf8');

function tuneFile(name: string, body: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `name: ${name}\nstore: ${store}\n${body}`);
  return path;
}

describe('loom tune report', () => {
  it('writes the charts, the trial CSV and the page of a study', () => {
    const run = loom('tune', 'run', 'examples/tune-branin.yaml', '--trials', '15', '--store', store, '--plain');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = join(dir, 'branin-report');
    const report = loom('tune', 'report', store, '--study', 'branin-tpe', '--out', out);
    expect(report.stderr).toBe('');
    expect(report.status).toBe(0);
    const [summary, importance, wrote] = report.stdout.trim().split('\n');
    expect(summary).toMatch(/^branin-tpe \(minimize\): 15 trials — 15 complete; best [0-9.]+ \(trial (\d+): x1=/);
    expect(importance).toMatch(/^importance \(fANOVA, 15 complete trials\): x[12] \d+\.\d%, x[12] \d+\.\d%$/);
    expect(wrote).toBe(`wrote ${join(out, 'report.html')} (with history.svg, intermediate.svg, parallel-coordinates.svg, importance.svg, trials.csv)`);
    expect(readdirSync(out).sort()).toEqual(['history.svg', 'importance.svg', 'intermediate.svg', 'parallel-coordinates.svg', 'report.html', 'trials.csv']);

    const history = read(out, 'history.svg');
    expect(count(history, /<circle class="trial"/g)).toBe(15);
    expect(count(history, /<polyline class="best"/g)).toBe(1);
    const parallel = read(out, 'parallel-coordinates.svg');
    expect([...parallel.matchAll(/<g class="axis" data-param="([^"]+)"/g)].map((m) => m[1])).toEqual(['objective', 'x1', 'x2']);
    expect(count(parallel, /<path class="trial"/g)).toBe(15);
    const bars = [...read(out, 'importance.svg').matchAll(/<rect class="bar" data-param="([^"]+)" data-importance="([^"]+)"/g)];
    expect(bars.map((b) => b[1]).sort()).toEqual(['x1', 'x2']);
    expect(bars.reduce((s, b) => s + Number(b[2]), 0)).toBeCloseTo(1, 9);
    expect(read(out, 'intermediate.svg')).toContain('no trial reported intermediate values'); // Branin reports none

    const csv = read(out, 'trials.csv').trim().split('\n');
    expect(csv[0]).toBe('trial,state,value,last_step,reports,started,finished,duration_s,x1,x2');
    expect(csv.slice(1).map((r) => r.split(',')[0])).toEqual(Array.from({ length: 15 }, (_, i) => String(i)));
    const best = Number(summary!.match(/\(trial (\d+):/)![1]);
    const bestRow = csv[1 + best]!.split(',');
    const html = read(out, 'report.html');
    expect(count(html, /<svg /g)).toBe(4);
    expect(html).toContain(`Trial ${best}, value <b>${bestRow[2]}</b>`);
    expect(html).toContain(`<td>x1</td><td>${bestRow[8]}</td>`);
    expect(count(html.slice(html.indexOf('<table class="trials">')), /<tr>/g)).toBe(16);
    expect(readdirSync(out).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('puts the report in runs/tune/<study>-report by default and shows ASHA rungs', () => {
    const file = tuneFile('ones', 'objective: { type: function, name: counting-ones, dimensions: 2 }\nsampler: { type: random, seed: 1 }\nscheduler: { type: asha, maxBudget: 9, eta: 3 }\ntrials: 20\n');
    expect(loom('tune', 'run', file, '--plain').status).toBe(0);
    const report = spawnSync(process.execPath, [LOOM, 'tune', 'report', store, '--study', 'ones'], { cwd: dir, encoding: 'utf8' });
    expect(report.stderr).toBe('');
    const out = join(dir, 'runs', 'tune', 'ones-report');
    expect(report.stdout).toContain(`wrote ${join(out, 'report.html')}`);
    const intermediate = read(out, 'intermediate.svg');
    expect(count(intermediate, /<polyline /g)).toBe(20); // every trial reported at the bottom rung
    expect([...intermediate.matchAll(/<line class="rung" data-step="(\d+)"/g)].map((m) => m[1])).toEqual(['1', '3', '9']);
    expect(intermediate).toContain('>1: 20<');
    const states = [...intermediate.matchAll(/data-state="(\w+)"/g)].map((m) => m[1]);
    expect(new Set(states)).toEqual(new Set(['paused', 'complete']));
  });

  it('says in the report that importance needs 2 complete trials', () => {
    const file = tuneFile('single', 'objective: { type: function, name: branin }\nsampler: { type: random, seed: 4 }\ntrials: 1\n');
    expect(loom('tune', 'run', file, '--plain').status).toBe(0);
    const out = join(dir, 'single-report');
    const report = loom('tune', 'report', store, '--study', 'single', '--out', out);
    expect(report.status).toBe(0);
    expect(report.stdout).toContain('importance: parameter importance needs at least 2 complete trials; the study has 1');
    expect(read(out, 'importance.svg')).toContain('parameter importance needs at least 2 complete trials; the study has 1');
    expect(read(out, 'report.html')).toContain('parameter importance needs at least 2 complete trials; the study has 1');
    expect(count(read(out, 'history.svg'), /<circle class="trial"/g)).toBe(1);
  });

  it('refuses an unknown study and one without a complete trial, in one line', () => {
    // Branin over a parameter it does not read evaluates to NaN: every trial fails.
    const file = tuneFile('broken', 'objective: { type: function, name: branin }\nspace:\n  a: { type: float, low: 0, high: 1 }\nsampler: { type: random, seed: 5 }\ntrials: 2\n');
    expect(loom('tune', 'run', file, '--plain').status).toBe(0);
    const out = join(dir, 'broken-report');
    expectOneLineError(loom('tune', 'report', store, '--study', 'broken', '--out', out), /^loom: study "broken" in .*s\.sqlite has no complete trial yet \(2 trials\): nothing to report$/);
    expect(existsSync(out)).toBe(false);
    expectOneLineError(loom('tune', 'report', store, '--study', 'nope'), /^loom: no study "nope" in .*s\.sqlite \(it holds: .*branin-tpe.*\)$/);
  });
});
