/** Fully connected layer: y = act(x W + b), W stored [in, out] (tfjs matMul layout). */
import { dense as denseOp, tf } from '../../compute/index.js';
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
 * x W + b then the activation: compute's `dense` op (one fused kernel forward and one backward
 * where the native kernels are loaded) for linear and ReLU; other activations after a fused
 * linear product. See compute/ops/dense.ts for what runs where.
 */
export function linear(
  x: tf.Tensor,
  w: tf.Tensor,
  b: tf.Tensor,
  activation: Activation | 'linear',
  inputNeedsGrad: boolean,
): tf.Tensor {
  const direct = activation === 'relu' || activation === 'linear';
  const y = denseOp(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, direct ? activation : 'linear', inputNeedsGrad);
  return direct ? y : activate(y, activation);
}

/**
 * The activation to fold into a fused kernel (tf.fused.matMul / conv2d): relu or linear, and
 * linear while a gradient is being recorded (tfjs would unfuse relu entirely then).
 */
export function fusedActivation(activation: Activation | 'linear'): 'relu' | 'linear' {
  const recording = tf.engine().state.gradientDepth > 0;
  return activation === 'relu' && !recording ? 'relu' : 'linear';
}
