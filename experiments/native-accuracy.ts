/**
 * Does the native path learn what the WebAssembly path learns? Trains the Fashion-MNIST MLP and
 * CNN (examples/fashion-mlp.yaml, fashion-cnn.yaml) with the same seed and schedule twice each:
 * with the native kernels (the default where they are built) and with LOOM_NATIVE=0. Each run is
 * its own process (the addon is loaded once per process). Prints both test accuracies, the gap in
 * points and the samples/s of each path.
 *
 * Usage: npx tsx experiments/native-accuracy.ts [--epochs 3] [--models mlp,cnn]
 * Needs full Fashion-MNIST (apt-get install dataset-fashion-mnist) and the addon built.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { epochs: { type: 'string', default: '3' }, models: { type: 'string', default: 'mlp,cnn' } } });
const root = new URL('..', import.meta.url).pathname;

interface Result {
  readonly accuracy: number;
  readonly seconds: number;
}

function train(model: string, native: boolean): Result {
  const out = mkdtempSync(join(tmpdir(), 'loom-native-accuracy-'));
  try {
    const started = performance.now();
    const run = spawnSync(process.execPath, [
      join(root, 'bin', 'loom.js'), 'train', join(root, 'examples', `fashion-${model}.yaml`),
      '--plain', '--out', out, '--set', `train.epochs=${values.epochs}`,
    ], { env: { ...process.env, LOOM_NATIVE: native ? '1' : '0' }, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`loom train (${model}, native ${native}) failed: ${run.stderr.trim().split('\n').at(-1)}`);
    const records = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const evals = records.filter((r) => typeof r.accuracy === 'number');
    const last = evals.at(-1);
    if (last === undefined) throw new Error(`no evaluation record in ${model}'s metrics.jsonl`);
    return { accuracy: last.accuracy as number, seconds: (performance.now() - started) / 1000 };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const summary: Record<string, number> = {};
for (const model of values.models.split(',')) {
  const native = train(model, true);
  const wasm = train(model, false);
  const gap = Math.abs(native.accuracy - wasm.accuracy) * 100;
  process.stdout.write(
    `${model}: native ${(100 * native.accuracy).toFixed(2)}% (${native.seconds.toFixed(0)} s), ` +
      `wasm ${(100 * wasm.accuracy).toFixed(2)}% (${wasm.seconds.toFixed(0)} s), gap ${gap.toFixed(2)} points\n`,
  );
  summary[`${model}_native`] = Math.round(1e4 * native.accuracy) / 100;
  summary[`${model}_wasm`] = Math.round(1e4 * wasm.accuracy) / 100;
  summary[`${model}_gap_points`] = Math.round(100 * gap) / 100;
}
process.stdout.write(`${JSON.stringify({ experiment: 'native-accuracy', epochs: Number(values.epochs), ...summary })}\n`);
