import { it } from 'vitest';
import { initBackend, tf } from '../compute/index.js';
import { createModel, type ModelSpec } from './index.js';
import { randomBatch } from './test-support/batches.js';

it('profile', async () => {
  const st = await initBackend({ backend: process.env.BK ?? 'wasm' });
  console.log('PROF status', JSON.stringify(st.replacedKernels.map((k) => k.kernel)), st.simd, st.threads);
  const m = createModel({ type: (process.env.MODEL ?? 'mlp') } as ModelSpec, { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
  const b = randomBatch(m, 128, 1);
  const g = new Float32Array(m.params.length);
  for (let i = 0; i < 5; i++) m.lossAndGrad(b, g);
  const N = 10;
  const prof = await tf.profile(() => { for (let i = 0; i < N; i++) m.lossAndGrad(b, g); });
  const agg: Record<string, { n: number; ms: number }> = {};
  for (const k of prof.kernels) { const e = (agg[k.name] ??= { n: 0, ms: 0 }); e.n++; e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0; }
  const rows = Object.entries(agg).sort((a, b) => b[1].ms - a[1].ms);
  console.log('PROF\n' + rows.map(([k, v]) => `${k} n=${v.n / N} ms=${(v.ms / N).toFixed(3)}`).join('\n'));
  console.log('PROF total kernel ms', (rows.reduce((s, [, v]) => s + v.ms, 0) / N).toFixed(2));
  const t0 = performance.now(); for (let i = 0; i < 20; i++) m.lossAndGrad(b, g);
  console.log('PROF wall ms/step', ((performance.now() - t0) / 20).toFixed(2));
});
