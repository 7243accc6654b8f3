/**
 * `loom tune run` on a training objective as a user runs it: the base config in a file next to
 * the tune file, trials on two threads, checkpoints and metrics per trial, and a one-line error
 * for a base config that is invalid.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, loom } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'loom-cli-tune-training-'));

function files(base: string): string {
  const sub = mkdtempSync(join(dir, 'study-'));
  writeFileSync(join(sub, 'base.yaml'), base);
  const tune = join(sub, 'tune.yaml');
  writeFileSync(
    tune,
    [
      'name: mlp',
      `store: ${join(sub, 'studies.sqlite')}`,
      'objective:',
      '  type: training',
      '  config: base.yaml',
      '  validation: 300',
      `  checkpoints: ${join(sub, 'trials')}`,
      'space:',
      '  optimizer.lr: { type: float, low: 0.01, high: 0.3, log: true }',
      '  model.hidden.0: { type: categorical, choices: [16, 32] }',
      'sampler: { type: random, seed: 4 }',
      'workers: 2',
      'trials: 4',
      '',
    ].join('\n'),
  );
  return tune;
}

const base = `data: { name: fashion-mnist-subset }\nmodel: { type: mlp, hidden: [8] }\noptimizer: { type: sgd, lr: 0.1, momentum: 0.9 }\ntrain: { epochs: 2, batchSize: 64 }\n`;

describe('loom tune run (training objective)', () => {
  it('trains every trial from the config beside the tune file, two at a time, each with its checkpoint and metrics', () => {
    const tune = files(base);
    const run = loom('tune', 'run', tune, '--plain');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^mlp \(maximize\): 4 trials — 4 complete; best 0\.\d+ \(trial \d+: optimizer\.lr=/m);
    const trials = join(tune, '..', 'trials');
    for (let n = 0; n < 4; n++) {
      expect(existsSync(join(trials, `trial-${n}`, 'checkpoint.ckpt'))).toBe(true);
      expect(existsSync(join(trials, `trial-${n}`, 'metrics.jsonl'))).toBe(true);
    }
    const table = loom('tune', 'status', join(tune, '..', 'studies.sqlite'), '--study', 'mlp').stdout;
    expect(table).toMatch(/model\.hidden\.0/);
  }, 120_000);

  it('refuses a base config that is invalid on its own, in one line, before any trial', () => {
    const tune = files(base.replace('lr: 0.1', 'lr: -1'));
    const run = loom('tune', 'run', tune, '--plain');
    expectOneLineError(run, /^loom: objective\.config: config key optimizer\.lr = -1 is invalid/);
    expect(existsSync(join(tune, '..', 'trials'))).toBe(false);
  });
});
