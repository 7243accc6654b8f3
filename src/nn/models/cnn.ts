/**
 * LeNet-5-style convolutional network (LeCun, Bottou, Bengio & Haffner 1998, "Gradient-based
 * learning applied to document recognition"), modernised as is usual: ReLU for the scaled tanh,
 * max pooling for the trainable subsampling, a full C3 connection table, softmax output.
 *   conv 5x5 'same' (6) relu -> maxpool 2 -> conv 5x5 'valid' (16) relu -> maxpool 2
 *   -> dense 120 relu -> dense 84 relu -> dense classes
 * On 28x28x1 that is 61,706 parameters (LeNet-5 on 32x32 without padding has the same shapes).
 */
import type { LayerDef } from '../layer.js';
import type { Activation } from '../layers/activation.js';
import { conv2d } from '../layers/conv2d.js';
import { dense } from '../layers/dense.js';
import { maxPool } from '../layers/pool.js';
import { softmaxCrossEntropy } from '../loss.js';
import { SequentialModel } from '../sequential.js';
import { requireClasses, requireImage, requirePositiveInts, type ModelShape } from './common.js';

export interface CnnSpec {
  readonly type: 'cnn';
  /** Filters of the two convolutions; default [6, 16]. */
  readonly channels?: readonly number[];
  /** Hidden dense widths; default [120, 84]. */
  readonly hidden?: readonly number[];
  /** Default relu; tanh/gelu are smooth (gradient checks, or LeNet's original tanh flavour). */
  readonly activation?: Activation;
}

export function createCnn(spec: CnnSpec, shape: ModelShape): SequentialModel {
  const channels = spec.channels ?? [6, 16];
  const hidden = spec.hidden ?? [120, 84];
  requirePositiveInts('cnn', 'channels', channels, 2);
  requirePositiveInts('cnn', 'hidden', hidden);
  requireImage('cnn', shape.inputShape);
  requireClasses('cnn', shape.numClasses);
  const activation = spec.activation ?? 'relu';
  const layers: LayerDef[] = [
    conv2d({ name: 'conv1', filters: channels[0], kernel: 5, padding: 'same', activation }),
    maxPool('pool1'),
    conv2d({ name: 'conv2', filters: channels[1], kernel: 5, padding: 'valid', activation }),
    maxPool('pool2'),
    ...hidden.map((units, i) => dense({ name: `fc${i + 1}`, units, activation })),
    dense({ name: `fc${hidden.length + 1}`, units: shape.numClasses }),
  ];
  return new SequentialModel({
    kind: 'cnn',
    inputShape: shape.inputShape,
    numClasses: shape.numClasses,
    layers,
    head: softmaxCrossEntropy(shape.numClasses),
    seed: shape.seed,
  });
}
