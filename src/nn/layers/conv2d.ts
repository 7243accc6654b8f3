/** 2-D convolution over NHWC inputs, filter stored [kh, kw, in, out] (tfjs layout). */
import { tf } from '../../compute/index.js';
import { LoomError } from '../../util/index.js';
import { showShape, torchDefault, type Init, type Layer, type LayerDef, type ParamSpec } from '../layer.js';
import { activate, type Activation } from './activation.js';
import { fusedActivation } from './dense.js';

export interface Conv2dOptions {
  readonly name: string;
  readonly filters: number;
  readonly kernel: number;
  readonly stride?: number;
  /** TensorFlow 'same'/'valid', or explicit zero padding on every side (PyTorch's `padding=p`). */
  readonly padding: Padding;
  readonly activation?: Activation | 'linear';
  /** Default true; convolutions followed by a normalisation go without. */
  readonly bias?: boolean;
  readonly weightInit?: Init;
}

export type Padding = 'same' | 'valid' | number;

/** Output side length of a convolution or pooling window. */
export function convOutSize(size: number, kernel: number, stride: number, padding: Padding): number {
  if (padding === 'same') return Math.ceil(size / stride);
  const pad = padding === 'valid' ? 0 : padding;
  return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}

export function conv2d(options: Conv2dOptions): LayerDef {
  return (inputShape) => {
    const [h, w, inC] = checkImage(options.name, inputShape);
    const stride = options.stride ?? 1;
    const k = options.kernel;
    const outH = convOutSize(h, k, stride, options.padding);
    const outW = convOutSize(w, k, stride, options.padding);
    if (outH <= 0 || outW <= 0) {
      throw new LoomError(
        `${options.name}: a ${k}x${k} convolution with padding ${options.padding} does not fit input ${showShape(inputShape)}`,
      );
    }
    const fanIn = k * k * inC;
    const useBias = options.bias ?? true;
    const activation = options.activation ?? 'linear';
    const params: ParamSpec[] = [
      { name: 'weight', shape: [k, k, inC, options.filters], init: options.weightInit ?? torchDefault(fanIn) },
    ];
    if (useBias) params.push({ name: 'bias', shape: [options.filters], init: torchDefault(fanIn) });
    const layer: Layer = {
      name: options.name,
      kind: 'conv2d',
      inputShape,
      outputShape: [outH, outW, options.filters],
      params,
      forwardFlops: 2 * outH * outW * options.filters * fanIn,
      apply(p, x, ctx) {
        const x4 = x as tf.Tensor4D;
        const filter = p.weight as tf.Tensor4D;
        // The fused conv's gradient computes d/dx eagerly (see dense.ts linear); skip it when x is data.
        if (useBias && ctx.inputNeedsGrad) {
          const fused = fusedActivation(activation);
          const y = tf.fused.conv2d({ x: x4, filter, strides: stride, pad: options.padding, bias: p.bias, activation: fused });
          return fused === activation ? y : activate(y, activation);
        }
        let y: tf.Tensor = tf.conv2d(x4, filter, stride, options.padding);
        if (useBias) y = tf.add(y, p.bias);
        return activate(y, activation);
      },
    };
    return layer;
  };
}

/** [h, w, c] of an image input, or a one-line error naming the layer and the shape. */
export function checkImage(name: string, shape: readonly number[]): [number, number, number] {
  if (shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new LoomError(`${name}: needs an image input [height,width,channels], got ${showShape(shape)}`);
  }
  return [shape[0], shape[1], shape[2]];
}
