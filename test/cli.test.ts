/**
 * The `loom` command as a user runs it: a real process on the built CLI (npm test builds first).
 * Bad input must end in one line on stderr that names the problem, and a non-zero exit.
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectOneLineError, loom, ROOT } from './support/cli.js';

const SUBSET = join(ROOT, 'data', 'fashion-mnist-subset');

function writeConfig(dir: string, text: string): string {
  const path = join(dir, 'config.yaml');
  writeFileSync(path, text);
  return path;
}

const tinyConfig = (dataDir: string) => `
seed: 1
backend: cpu
data: { name: fashion-mnist, dir: ${JSON.stringify(dataDir)}, limitTrain: 256, limitTest: 64 }
model: { type: logreg }
optimizer: { type: sgd, lr: 0.1 }
train: { steps: 4, batchSize: 32 }
`;

describe('loom CLI', () => {
  it('demo trains on the shipped subset and prints test accuracy', () => {
    const result = loom('demo', '--plain', '--set', 'train.epochs=1');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const accuracy = /test accuracy (\d+\.\d+)%/.exec(result.stdout);
    expect(accuracy).not.toBeNull();
    expect(Number(accuracy![1])).toBeGreaterThan(60);
  });

  it('has --help on every command', () => {
    for (const command of ['', 'demo', 'train', 'eval', 'sample', 'info']) {
      const result = loom(...(command ? [command] : []), '--help');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/Usage: loom/);
    }
  });

  it('info reports backend, SIMD, threads and the replaced kernels', () => {
    const result = loom('info');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/backend: wasm .*SIMD (yes|no).*threads \d+/);
    expect(result.stdout).toMatch(/BatchMatMul/);
  });

  it('refuses an unknown config key, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-cli-'));
    const config = writeConfig(dir, `${tinyConfig(SUBSET)}\nlearning_rate: 0.1\n`);
    expectOneLineError(loom('train', config), /^loom: unknown config key learning_rate$/);
  });

  it('refuses a negative learning rate, naming the key and the value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-cli-'));
    const config = writeConfig(dir, tinyConfig(SUBSET));
    expectOneLineError(loom('train', config, '--set', 'optimizer.lr=-0.5'), /^loom: config key optimizer\.lr = -0\.5 is invalid/);
  });

  it('refuses a non-existent data directory, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-cli-'));
    const config = writeConfig(dir, tinyConfig(join(dir, 'no-such-dir')));
    expectOneLineError(loom('train', config), /no-such-dir/);
  });

  it('refuses a truncated IDX file, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-cli-'));
    const data = join(dir, 'fmnist');
    mkdirSync(data, { recursive: true });
    for (const f of ['train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) {
      copyFileSync(join(SUBSET, f), join(data, f));
    }
    const images = readFileSync(join(SUBSET, 'train-images-idx3-ubyte.gz'));
    writeFileSync(join(data, 'train-images-idx3-ubyte.gz'), images.subarray(0, Math.floor(images.length / 2)));
    const config = writeConfig(dir, tinyConfig(data));
    expectOneLineError(loom('train', config), /train-images-idx3-ubyte\.gz/);
  });

  it('refuses to resume from a checkpoint of another model, and eval reads a checkpoint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-cli-'));
    const config = writeConfig(dir, tinyConfig(SUBSET));
    const out = join(dir, 'run');
    const trained = loom('train', config, '--plain', '--out', out);
    expect(trained.status).toBe(0);
    const ckpt = join(out, 'checkpoint.ckpt');
    expect(existsSync(ckpt)).toBe(true);
    expectOneLineError(
      loom('train', config, '--set', 'model.type=mlp', '--resume', ckpt),
      /^loom: checkpoint .* is of model \{"type":"logreg"\}.* but the config asks for \{"type":"mlp"\}/,
    );
    const evaluated = loom('eval', ckpt);
    expect(evaluated.status).toBe(0);
    expect(evaluated.stdout).toMatch(/test accuracy \d+\.\d+% \(64 examples\)/);
    // A run evaluated on held-out training samples says so; eval of its checkpoint uses the test split all the same.
    const held = loom('train', config, '--plain', '--out', join(dir, 'held'), '--set', 'data.holdOut=56');
    expect(held.stdout).toMatch(/^held-out loss \d+\.\d+, held-out accuracy \d+\.\d+% \(56 examples\)$/m);
    expect(loom('eval', join(dir, 'held', 'checkpoint.ckpt')).stdout).toMatch(/ on fashion-mnist\/test: test loss \d+\.\d+, test accuracy \d+\.\d+% \(64 examples\)/);
    writeFileSync(ckpt, readFileSync(ckpt).subarray(0, 500));
    expectOneLineError(loom('eval', ckpt), /checkpoint .* is corrupt/);
  });

  it('refuses a missing config file', () => {
    expectOneLineError(loom('train', 'no-such-config.yaml'), /^loom: config file not found: no-such-config\.yaml$/);
  });
});
