/**
 * Pre-LayerNorm transformer decoder block as in GPT-2 (Radford et al. 2019), attention from
 * Vaswani et al. 2017: x + attn(ln1(x)), then + mlp(ln2(x)). One block is one model layer.
 */
import { tf } from '../../compute/index.js';
import { normal, ones, zeros, type Layer, type LayerDef, type ParamSpec } from '../layer.js';
import { gelu } from './activation.js';
import { layerNorm } from './norm.js';

export interface TransformerBlockOptions {
  readonly name: string;
  readonly heads: number;
  readonly mlpRatio: number;
  /** Std of weight init (GPT-2: 0.02). */
  readonly std: number;
  /** Std for the two projections into the residual stream (GPT-2: 0.02 / sqrt(2 * layers)). */
  readonly residualStd: number;
}

/** Added to attention scores above the diagonal; large and finite so no inf reaches a gradient. */
const MASKED = -1e9;

export function causalMask(context: number): Float32Array {
  const mask = new Float32Array(context * context);
  for (let i = 0; i < context; i++) for (let j = i + 1; j < context; j++) mask[i * context + j] = MASKED;
  return mask;
}

export function transformerBlock(o: TransformerBlockOptions): LayerDef {
  return (inputShape) => {
    const [t, c] = inputShape;
    const hidden = c * o.mlpRatio;
    const d = c / o.heads;
    const mask = causalMask(t);
    const w = (name: string, shape: number[], std: number): ParamSpec[] => [
      { name: `${name}.weight`, shape, init: normal(std) },
      { name: `${name}.bias`, shape: [shape[1]], init: zeros },
    ];
    const params: ParamSpec[] = [
      { name: 'ln1.weight', shape: [c], init: ones },
      { name: 'ln1.bias', shape: [c], init: zeros },
      ...w('attn.qkv', [c, 3 * c], o.std),
      ...w('attn.proj', [c, c], o.residualStd),
      { name: 'ln2.weight', shape: [c], init: ones },
      { name: 'ln2.bias', shape: [c], init: zeros },
      ...w('mlp.fc', [c, hidden], o.std),
      ...w('mlp.proj', [hidden, c], o.residualStd),
    ];
    // qkv + scores + weighted sum + proj + two MLP matmuls
    const flops = 2 * t * c * 3 * c + 2 * 2 * t * t * c + 2 * t * c * c + 2 * 2 * t * c * hidden;

    /** Causal multi-head self-attention on [b*t, c] rows; returns [b*t, c]. */
    const attention = (p: Readonly<Record<string, tf.Tensor>>, h: tf.Tensor, b: number): tf.Tensor => {
      const qkv = tf.fused.matMul({ a: h, b: p['attn.qkv.weight'], bias: p['attn.qkv.bias'] });
      const [q, k, v] = tf.split(qkv, 3, 1);
      const heads = (z: tf.Tensor, perm: number[]) => tf.transpose(tf.reshape(z, [b, t, o.heads, d]), perm);
      const scaledQ = tf.mul(heads(q, [0, 2, 1, 3]), 1 / Math.sqrt(d)); // [b, heads, t, d]
      const keysT = heads(k, [0, 2, 3, 1]); // [b, heads, d, t]: transposed once here, not in matMul
      const scores = tf.add(tf.matMul(scaledQ, keysT), tf.tensor2d(mask, [t, t]));
      const mixed = tf.matMul(tf.softmax(scores), heads(v, [0, 2, 1, 3])); // [b, heads, t, d]
      const merged = tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [b * t, c]);
      return tf.fused.matMul({ a: merged, b: p['attn.proj.weight'], bias: p['attn.proj.bias'] });
    };

    const layer: Layer = {
      name: o.name,
      kind: 'transformer-block',
      inputShape,
      outputShape: inputShape,
      params,
      forwardFlops: flops,
      apply(p, x) {
        const b = x.shape[0];
        const rows = tf.reshape(x, [b * t, c]);
        const x1 = tf.add(rows, attention(p, layerNorm(rows, p['ln1.weight'], p['ln1.bias']), b));
        const h = layerNorm(x1, p['ln2.weight'], p['ln2.bias']);
        const up = gelu(tf.fused.matMul({ a: h, b: p['mlp.fc.weight'], bias: p['mlp.fc.bias'] }));
        const down = tf.fused.matMul({ a: up, b: p['mlp.proj.weight'], bias: p['mlp.proj.bias'] });
        return tf.reshape(tf.add(x1, down), [b, t, c]);
      },
    };
    return layer;
  };
}
