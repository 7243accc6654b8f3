/**
 * Multinomial logistic regression (Cox 1958, "The regression analysis of binary sequences", in its
 * softmax form): the input flattened, one dense layer to the class logits.
 */
import { dense } from '../layers/dense.js';
import { softmaxCrossEntropy } from '../loss.js';
import { SequentialModel } from '../sequential.js';
import { requireClasses, type ModelShape } from './common.js';

export interface LogregSpec {
  readonly type: 'logreg';
}

export function createLogreg(_spec: LogregSpec, shape: ModelShape): SequentialModel {
  requireClasses('logreg', shape.numClasses);
  return new SequentialModel({
    kind: 'logreg',
    inputShape: shape.inputShape,
    numClasses: shape.numClasses,
    layers: [dense({ name: 'fc', units: shape.numClasses })],
    head: softmaxCrossEntropy(shape.numClasses),
    seed: shape.seed,
  });
}
