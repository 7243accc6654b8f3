/**
 * Multilayer perceptron (Rumelhart, Hinton & Williams 1986): the input flattened, dense hidden
 * layers with one activation, a dense output layer. Default 784-256-256-10 with ReLU.
 */
import type { LayerDef } from '../layer.js';
import type { Activation } from '../layers/activation.js';
import { dense } from '../layers/dense.js';
import { softmaxCrossEntropy } from '../loss.js';
import { SequentialModel } from '../sequential.js';
import { requireClasses, requirePositiveInts, type ModelShape } from './common.js';

export interface MlpSpec {
  readonly type: 'mlp';
  /** Hidden layer widths; default [256, 256]. */
  readonly hidden?: readonly number[];
  readonly activation?: Activation;
}

export function createMlp(spec: MlpSpec, shape: ModelShape): SequentialModel {
  const hidden = spec.hidden ?? [256, 256];
  requirePositiveInts('mlp', 'hidden', hidden);
  requireClasses('mlp', shape.numClasses);
  const activation = spec.activation ?? 'relu';
  const layers: LayerDef[] = hidden.map((units, i) => dense({ name: `fc${i + 1}`, units, activation }));
  layers.push(dense({ name: `fc${hidden.length + 1}`, units: shape.numClasses }));
  return new SequentialModel({
    kind: 'mlp',
    inputShape: shape.inputShape,
    numClasses: shape.numClasses,
    layers,
    head: softmaxCrossEntropy(shape.numClasses),
    seed: shape.seed,
  });
}
