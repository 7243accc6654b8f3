/**
 * Every command that writes under an output directory refuses one it cannot use at once, in one
 * line that names the path and the reason, with a non-zero exit: `loom demo --out /proc/nope` used
 * to spin forever without a word (Node 20's recursive mkdir never returns there).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, LOOM, ROOT, type CliResult } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'loom-cli-outdir-'));
/** Generous for a loaded machine: the point is an answer instead of a hang (ENOENT is reported in well under a second). */
const WITHIN_MS = 10_000;

/** The built CLI with a short kill timeout, and how long it took. */
function loomTimed(...args: string[]): CliResult & { ms: number } {
  const started = performance.now();
  const result = spawnSync(process.execPath, [LOOM, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started };
}

function expectRefused(result: CliResult & { ms: number }, what: string, path: string): void {
  expect(result.ms).toBeLessThan(WITHIN_MS);
  expectOneLineError(result, new RegExp(`^loom: ${what} ${path}: cannot create it: no such file or directory \\(ENOENT\\)$`));
  expect(result.status).toBe(1);
}

describe.runIf(existsSync('/proc/self'))('an output directory that cannot be made', () => {
  it('demo --out /proc/nope', () => {
    expectRefused(loomTimed('demo', '--out', '/proc/nope'), 'output directory', '/proc/nope');
  });

  it('demo --set output.dir=..., and train --out', () => {
    expectRefused(loomTimed('demo', '--set', 'output.dir=/proc/nope'), 'output directory', '/proc/nope');
    expectRefused(loomTimed('train', join(ROOT, 'examples', 'fashion-mlp.yaml'), '--out', '/proc/nope'), 'output directory', '/proc/nope');
  });

  it('train with several workers (the parallel path)', () => {
    expectRefused(loomTimed('demo', '--workers', '2', '--out', '/proc/nope'), 'output directory', '/proc/nope');
  });

  it('grid and robust --out', () => {
    expectRefused(loomTimed('grid', join(ROOT, 'examples', 'strategies-grid.yaml'), '--out', '/proc/nope'), 'output directory', '/proc/nope');
    expectRefused(loomTimed('robust', join(ROOT, 'examples', 'robust-grid.yaml'), '--out', '/proc/nope'), 'output directory', '/proc/nope');
  });

  it("tune run: a training objective's checkpoints, and the study store's folder", () => {
    const file = join(dir, 'tune.yaml');
    writeFileSync(
      file,
      [
        'name: outdir',
        `store: ${join(dir, 'studies.sqlite')}`,
        'objective:',
        '  type: training',
        '  validation: 500',
        '  checkpoints: /proc/nope',
        '  config: { data: { name: fashion-mnist-subset }, model: { type: logreg }, optimizer: { type: sgd, lr: 0.1 }, train: { epochs: 1, batchSize: 64 } }',
        'space: { optimizer.lr: { type: float, low: 0.01, high: 1, log: true } }',
        'trials: 2',
        '',
      ].join('\n'),
    );
    expectRefused(loomTimed('tune', 'run', file, '--plain'), 'tune checkpoint directory', '/proc/nope');
    expectRefused(loomTimed('tune', 'status', '/proc/nope/studies.sqlite'), 'study store directory', '/proc/nope');
  });
});
