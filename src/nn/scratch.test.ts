import { it } from 'vitest';
import { initBackend, tf } from '../compute/index.js';
import { checkGradients, createModel } from './index.js';
import { randomBatch } from './test-support/batches.js';

it('scratch', async () => {
  await initBackend({ backend: (process.env.BK ?? 'cpu') });
  const cases = [
    ['logreg', { type: 'logreg' }, [4, 3, 1], 3],
    ['mlp', { type: 'mlp', hidden: [5], activation: 'tanh' }, [12], 3],
    ['cnn', { type: 'cnn', channels: [2, 3], hidden: [4], activation: 'tanh' }, [12, 12, 1], 3],
    ['resnet', { type: 'resnet', width: 4, groups: 2, stages: [1, 1], activation: 'tanh' }, [8, 8, 1], 3],
    ['transformer', { type: 'transformer', layers: 1, width: 8, heads: 2, context: 5 }, [5], 7],
  ] as const;
  for (const [name, spec, inputShape, numClasses] of cases) {
    const m = createModel(spec as any, { inputShape, numClasses, seed: 3 });
    const b = randomBatch(m, 4, 2);
    const before = tf.memory().numTensors;
    for (const eps of [1e-2, 1e-3, [3e-3, 1e-3, 3e-4]]) {
      const r = checkGradients(m, b, { eps, coordsPerSegment: 8 });
      let worst = 0;
      for (const e of r.entries) worst = Math.max(worst, Math.abs(e.numeric - e.analytic) / (Math.max(Math.abs(e.numeric), Math.abs(e.analytic)) + 1e-4));
      console.log(name, eps, m.params.length, 'entries', r.entries.length, 'fail', r.failures.length, 'worst', worst.toExponential(2), r.failures.slice(0, 3));
    }
    console.log('leak', tf.memory().numTensors - before);
  }
});
