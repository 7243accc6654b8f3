/** Elementwise activations, applied as separate ops where a fused kernel cannot take them. */
import { tf } from '../../compute/index.js';

export const ACTIVATIONS = ['relu', 'tanh', 'gelu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

const GELU_C = Math.sqrt(2 / Math.PI);

/** GELU, tanh approximation (Hendrycks & Gimpel 2016), as in GPT-2. */
export function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.square(x), x), 0.044715)), GELU_C);
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

export function activate(x: tf.Tensor, activation: Activation | 'linear'): tf.Tensor {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'gelu':
      return gelu(x);
  }
}
