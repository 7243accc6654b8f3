/**
 * bench: the ResNet's training step on one core (wasm + native kernels), samples/s at a batch size,
 * and with --profile where the step's time goes, per TensorFlow.js kernel (tf.profile: the wall
 * time of each kernel call, summed by name and averaged over --profile-steps steps; the rest of the
 * step is TensorFlow.js's own bookkeeping). A kernel that runs others inside it (tfjs's customGrad
 * `forward`) counts their time again.
 *
 * Usage: npx tsx bench/resnet-step.ts [--batch 128] [--steps 20] [--warmup 5] [--profile [--by-shape] [--profile-steps 5]] [--top 25]
 * Last line: {"bench":"resnet-step","samples_per_s":S,"ms_per_step":M,"native":true|false,...}
 */
import { parseArgs } from 'node:util';
import { initBackend, tf } from '../src/compute/index.js';
import { nativeStatus } from '../src/native/index.js';
import { createModel } from '../src/nn/index.js';
import { randomImageBatch, timeSteps, trainStep } from './lib/train-step.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '128' },
    steps: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    profile: { type: 'boolean', default: false },
    'by-shape': { type: 'boolean', default: false },
    'profile-steps': { type: 'string', default: '5' },
    top: { type: 'string', default: '25' },
  },
});
const batchSize = Number(values.batch);
const steps = Number(values.steps);

await initBackend({ backend: 'wasm' });
const model = createModel({ type: 'resnet' }, { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
const training = trainStep(model, randomImageBatch(batchSize, [28, 28, 1], 10), { type: 'sgd', momentum: 0.9 }, 0.01);
const timed = timeSteps(training, Number(values.warmup), steps);
const { msPerStep } = timed;
let loss = timed.loss;
const step = (): void => {
  loss = training.step();
};

if (values.profile) {
  const byKernel = new Map<string, { ms: number; calls: number }>();
  const profiled = Number(values['profile-steps']);
  let wall = 0;
  let calls = 0;
  for (let i = 0; i < profiled; i++) {
    const t0 = performance.now();
    const info = await tf.profile(() => {
      step();
    });
    wall += (performance.now() - t0) / profiled;
    calls = info.kernels.length;
    for (const k of info.kernels) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs / profiled : 0;
      const key = values['by-shape'] ? `${k.name} ${k.inputShapes.map((sh) => `[${sh}]`).join(' ')}` : k.name;
      const entry = byKernel.get(key) ?? { ms: 0, calls: 0 };
      entry.ms += ms;
      entry.calls += 1 / profiled;
      byKernel.set(key, entry);
    }
  }
  const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const inKernels = rows.reduce((s, [, e]) => s + e.ms, 0);
  process.stdout.write(`profile, mean of ${profiled} steps (batch ${batchSize}): ${wall.toFixed(1)} ms wall, ${inKernels.toFixed(1)} ms in ${calls} kernel calls\n`);
  process.stdout.write('kernel                              ms     share  calls\n');
  for (const [name, e] of rows.slice(0, Number(values.top))) {
    process.stdout.write(`${name.padEnd(values['by-shape'] ? 60 : 32)} ${e.ms.toFixed(2).padStart(7)} ${((100 * e.ms) / inKernels).toFixed(1).padStart(6)}%  ${String(Math.round(e.calls)).padStart(5)}\n`);
  }
}

const status = nativeStatus();
process.stdout.write(
  `${JSON.stringify({
    bench: 'resnet-step', batch: batchSize, steps, samples_per_s: Math.round((1000 * batchSize) / msPerStep),
    ms_per_step: Math.round(msPerStep * 10) / 10, loss: Math.round(loss * 1e4) / 1e4, native: status.active,
  })}\n`,
);
