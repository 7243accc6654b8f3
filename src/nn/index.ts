/** nn/: models as a flat parameter buffer, named segments and an ordered, costed layer list. */
export type { Model, StagedModel, StageGrad, ParamSegment, LayerInfo, EvalSums } from './model.js';
export { createModel, MODEL_TYPES, type ModelSpec, type ModelType } from './registry.js';
export type { ModelShape } from './models/common.js';
export type { LogregSpec } from './models/logreg.js';
export type { MlpSpec } from './models/mlp.js';
export type { CnnSpec } from './models/cnn.js';
export type { ResnetSpec } from './models/resnet.js';
export type { TransformerSpec } from './models/transformer.js';
export { SequentialModel, type SequentialOptions } from './sequential.js';
export type { Layer, LayerDef, ParamSpec, Init, ApplyContext } from './layer.js';
export { softmaxCrossEntropy, type LossHead } from './loss.js';
export { cutIntoStages, type Stage } from './partition.js';
export { checkGradients, type GradientCheckOptions, type GradientCheckReport, type GradientCheckEntry } from './gradient-check.js';
export { generateTokens, type GenerateOptions } from './generate.js';
export { ACTIVATIONS, type Activation } from './layers/activation.js';
