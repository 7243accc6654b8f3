import { it } from 'vitest';
import { initBackend, tf } from '../compute/index.js';
import { createModel, type ModelSpec } from './index.js';
import { randomBatch } from './test-support/batches.js';

it('speed', async () => {
  for (const bk of (process.env.BKS ?? 'wasm,cpu').split(',')) {
    await initBackend({ backend: bk });
    for (const spec of [{ type: 'mlp' }, { type: 'cnn' }, ...(process.env.ALL ? [{ type: 'resnet' }, { type: 'logreg' }] : [])] as ModelSpec[]) {
      const m = createModel(spec, { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
      const b = randomBatch(m, 128, 1);
      const g = new Float32Array(m.params.length);
      const n = bk === 'cpu' ? 3 : 20;
      for (let i = 0; i < 3; i++) m.lossAndGrad(b, g);
      let best = 0;
      for (let r = 0; r < 3; r++) {
        const t0 = performance.now();
        for (let i = 0; i < n; i++) m.lossAndGrad(b, g);
        best = Math.max(best, (n * 128) / ((performance.now() - t0) / 1000));
      }
      console.log('SPEED', bk, spec.type, m.params.length, Math.round(best), 'samples/s', tf.memory().numTensors);
    }
  }
});
