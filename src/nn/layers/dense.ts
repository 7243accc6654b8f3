/** Fully connected layer: y = act(x W + b), W stored [in, out] (tfjs matMul layout). */
import { tf } from '../../compute/index.js';
import { sizeOf, torchDefault, type Init, type Layer, type LayerDef } from '../layer.js';
import { activate, type Activation } from './activation.js';

export interface DenseOptions {
  readonly name: string;
  readonly units: number;
  readonly activation?: Activation | 'linear';
  /**
   * true (default): the whole sample is flattened into one vector (MLP, CNN head).
   * false: applied to the last axis at every position (transformer head).
   */
  readonly flatten?: boolean;
  readonly weightInit?: Init;
  readonly biasInit?: Init;
}

export function dense(options: DenseOptions): LayerDef {
  return (inputShape) => {
    const flatten = options.flatten ?? true;
    const activation = options.activation ?? 'linear';
    const inDim = flatten ? sizeOf(inputShape) : inputShape[inputShape.length - 1];
    const positions = flatten ? 1 : sizeOf(inputShape.slice(0, -1));
    const outputShape = flatten ? [options.units] : [...inputShape.slice(0, -1), options.units];
    const layer: Layer = {
      name: options.name,
      kind: 'dense',
      inputShape,
      outputShape,
      params: [
        { name: 'weight', shape: [inDim, options.units], init: options.weightInit ?? torchDefault(inDim) },
        { name: 'bias', shape: [options.units], init: options.biasInit ?? torchDefault(inDim) },
      ],
      forwardFlops: 2 * positions * inDim * options.units,
      apply(p, x, ctx) {
        const x2 = x.rank === 2 ? x : tf.reshape(x, [-1, inDim]);
        const y = linear(x2, p.weight, p.bias, activation, ctx.inputNeedsGrad);
        return outputShape.length === 1 ? y : tf.reshape(y, [-1, ...outputShape]);
      },
    };
    return layer;
  };
}

/**
 * x W + b then the activation. tf.fused.matMul is one kernel with bias and relu folded in; while
 * a gradient is being recorded tfjs fuses only 'linear' (else it runs matMul + add + relu), and
 * the fused op's gradient computes d/dx eagerly. When x is data (first layer) we use plain
 * matMul + add, whose gradients tfjs computes lazily, so the unused d/dx is never computed.
 */
export function linear(
  x: tf.Tensor,
  w: tf.Tensor,
  b: tf.Tensor,
  activation: Activation | 'linear',
  inputNeedsGrad: boolean,
): tf.Tensor {
  if (!inputNeedsGrad) return activate(tf.add(tf.matMul(x, w), b), activation);
  const fusable = activation === 'relu' || activation === 'linear';
  const y = tf.fused.matMul({ a: x, b: w, bias: b, activation: fusable ? activation : 'linear' });
  return fusable ? y : activate(y, activation);
}
