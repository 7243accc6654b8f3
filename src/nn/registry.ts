/** Builds a model from its spec (the `model:` section of a config) and the data's shape. */
import { LoomError, showValue } from '../util/index.js';
import { createCnn, type CnnSpec } from './models/cnn.js';
import type { ModelShape } from './models/common.js';
import { createLogreg, type LogregSpec } from './models/logreg.js';
import { createMlp, type MlpSpec } from './models/mlp.js';
import { createResnet, type ResnetSpec } from './models/resnet.js';
import { createTransformer, type TransformerSpec } from './models/transformer.js';
import type { SequentialModel } from './sequential.js';

export type ModelSpec = LogregSpec | MlpSpec | CnnSpec | ResnetSpec | TransformerSpec;
export type ModelType = ModelSpec['type'];

const BUILDERS: { readonly [T in ModelType]: (spec: Extract<ModelSpec, { type: T }>, shape: ModelShape) => SequentialModel } = {
  logreg: createLogreg,
  mlp: createMlp,
  cnn: createCnn,
  resnet: createResnet,
  transformer: createTransformer,
};

export const MODEL_TYPES = Object.keys(BUILDERS) as ModelType[];

/** Same spec, shape and seed give the same initial parameters. */
export function createModel(spec: ModelSpec, shape: ModelShape): SequentialModel {
  const type = (spec as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !Object.hasOwn(BUILDERS, type)) {
    throw new LoomError(`unknown model type ${showValue(type)}: expected one of ${MODEL_TYPES.join(', ')}`);
  }
  const build = BUILDERS[type as ModelType] as (spec: ModelSpec, shape: ModelShape) => SequentialModel;
  return build(spec, shape);
}
