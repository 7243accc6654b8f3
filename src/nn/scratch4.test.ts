import { it } from 'vitest';
import { initBackend, tf } from '../compute/index.js';
import { SequentialModel, softmaxCrossEntropy, type LossHead } from './index.js';
import { dense } from './layers/dense.js';
import { randomBatch } from './test-support/batches.js';

function jsHead(c: number): LossHead {
  const base = softmaxCrossEntropy(c);
  return {
    targetsPerSample: 1,
    sums: base.sums,
    loss(output, targets) {
      const n = targets.length;
      return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
        const z = args[0] as tf.Tensor; const save = args[1] as tf.GradSaveFunc;
        const v = z.dataSync(); const g = new Float32Array(n * c); let loss = 0;
        for (let i = 0; i < n; i++) { let m = -Infinity; for (let j = 0; j < c; j++) m = Math.max(m, v[i*c+j]); let s = 0; for (let j = 0; j < c; j++) s += Math.exp(v[i*c+j]-m); const lse = m + Math.log(s); loss += lse - v[i*c+targets[i]]; for (let j = 0; j < c; j++) g[i*c+j] = Math.exp(v[i*c+j]-lse)/n; g[i*c+targets[i]] -= 1/n; }
        const gt = tf.tensor2d(g, [n, c]); save([gt]);
        return { value: tf.scalar(loss / n), gradFunc: (dy: tf.Tensor, [gt]: tf.Tensor[]) => tf.mul(gt, dy) };
      })(tf.reshape(output, [n, c])) as tf.Scalar;
    },
  };
}

it('heads', async () => {
  await initBackend({ backend: 'wasm' });
  const layers = [dense({ name: 'fc1', units: 256, activation: 'relu' }), dense({ name: 'fc2', units: 256, activation: 'relu' }), dense({ name: 'fc3', units: 10 })];
  const mk = (head: LossHead) => new SequentialModel({ kind: 'mlp', inputShape: [28, 28, 1], numClasses: 10, layers, head, seed: 1 });
  const models = { tf: mk(softmaxCrossEntropy(10)), js: mk(jsHead(10)) };
  const b = randomBatch(models.tf, 128, 1);
  const g = new Float32Array(models.tf.params.length);
  const best: Record<string, number> = { tf: 1e9, js: 1e9 };
  for (let r = 0; r < 8; r++) for (const [name, m] of Object.entries(models)) {
    for (let i = 0; i < 3; i++) m.lossAndGrad(b, g);
    const t0 = performance.now(); for (let i = 0; i < 30; i++) m.lossAndGrad(b, g);
    best[name] = Math.min(best[name], (performance.now() - t0) / 30);
  }
  console.log('HEAD', JSON.stringify(best), models.tf.lossAndGrad(b, g), models.js.lossAndGrad(b, g));
});
