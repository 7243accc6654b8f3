/**
 * Character-level GPT-style decoder (Radford et al. 2019, "Language models are unsupervised
 * multitask learners"; attention from Vaswani et al. 2017, "Attention is all you need"):
 * token + learned position embedding -> pre-LayerNorm blocks (causal multi-head self-attention,
 * GELU MLP) -> final LayerNorm -> output head. The head is a separate (untied) dense layer with
 * bias, so the embedding and the head can sit in different pipeline stages. Loss: mean next-token
 * cross-entropy over every position. Init as GPT-2: N(0, 0.02), residual projections scaled by
 * 1/sqrt(2 * layers), LayerNorm ones/zeros, biases zero.
 */
import { LoomError, showValue } from '../../util/index.js';
import { normal, showShape, zeros, type LayerDef } from '../layer.js';
import { dense } from '../layers/dense.js';
import { embedding } from '../layers/embedding.js';
import { layerNormLayer } from '../layers/norm.js';
import { transformerBlock } from '../layers/transformer-block.js';
import { softmaxCrossEntropy } from '../loss.js';
import { SequentialModel } from '../sequential.js';
import { requireClasses, requirePositiveInts, type ModelShape } from './common.js';

export interface TransformerSpec {
  readonly type: 'transformer';
  /** Number of blocks; default 2. */
  readonly layers?: number;
  /** Attention heads; default 4; must divide width. */
  readonly heads?: number;
  /** Embedding width; default 128. */
  readonly width?: number;
  /** Tokens per sample; default 64; must equal the data's input length. */
  readonly context?: number;
  /** MLP hidden width / width; default 4. */
  readonly mlpRatio?: number;
}

const STD = 0.02;

export function createTransformer(spec: TransformerSpec, shape: ModelShape): SequentialModel {
  const { layers: depth = 2, heads = 4, width = 128, context = 64, mlpRatio = 4 } = spec;
  requirePositiveInts('transformer', 'layers/heads/width/context/mlpRatio', [depth, heads, width, context, mlpRatio]);
  if (width % heads !== 0) {
    throw new LoomError(`transformer width ${showValue(width)} is not divisible by heads ${showValue(heads)}`);
  }
  if (shape.inputShape.length !== 1 || shape.inputShape[0] !== context) {
    throw new LoomError(
      `transformer context ${context} does not match the data's input shape ${showShape(shape.inputShape)} (expected [${context}])`,
    );
  }
  requireClasses('transformer', shape.numClasses);
  const vocab = shape.numClasses;
  const layers: LayerDef[] = [embedding({ name: 'embed', vocab, width, std: STD })];
  for (let i = 0; i < depth; i++) {
    layers.push(transformerBlock({ name: `block${i + 1}`, heads, mlpRatio, std: STD, residualStd: STD / Math.sqrt(2 * depth) }));
  }
  layers.push(
    layerNormLayer('ln_f'),
    dense({ name: 'head', units: vocab, flatten: false, weightInit: normal(STD), biasInit: zeros }),
  );
  return new SequentialModel({
    kind: 'transformer',
    inputShape: shape.inputShape,
    tokenVocab: vocab,
    numClasses: vocab,
    layers,
    head: softmaxCrossEntropy(vocab, context),
    seed: shape.seed,
  });
}
