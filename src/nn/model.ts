/**
 * The model seam. Everything above nn/ (optimizers, collectives, compression, ZeRO, pipelines,
 * the simulator) sees a model as one flat Float32Array of parameters, a table of named segments,
 * and an ordered list of layers with their costs.
 */
import type { Batch } from '../data/dataset.js';

/** One parameter tensor inside the flat buffer. */
export interface ParamSegment {
  /** `layer.tensor`, e.g. `fc1.weight`. */
  readonly name: string;
  /** Name of the layer that owns it (an entry of `Model.layers`). */
  readonly layer: string;
  /** Offset in elements into `Model.params`. */
  readonly offset: number;
  readonly shape: readonly number[];
  /** Number of elements (product of shape). */
  readonly size: number;
}

/** Cost of one layer for one sample; what pipeline partitioning and the simulator need. */
export interface LayerInfo {
  readonly name: string;
  /** e.g. `dense`, `conv2d`, `maxpool`, `residual-block`, `transformer-block`. */
  readonly kind: string;
  /** Number of trainable parameters. */
  readonly params: number;
  /** Forward floating-point operations per sample (a multiply-add counts as 2). */
  readonly forwardFlops: number;
  /** Bytes of the layer's output activation per sample (float32). */
  readonly activationBytes: number;
  /** Shape of the output for one sample. */
  readonly outputShape: readonly number[];
  /** Range of this layer's parameters in the flat buffer: [start, end) in elements. */
  readonly paramRange: readonly [number, number];
}

/** Sums over a batch, so that evaluation over many batches (or workers) can be added up. */
export interface EvalSums {
  /** Sum of per-example (per-token for sequence models) losses. */
  readonly lossSum: number;
  /** Number of correct top-1 predictions. */
  readonly correct: number;
  /** Number of examples (tokens) the sums cover. */
  readonly count: number;
}

export interface Model {
  /** Model type, e.g. `mlp`. */
  readonly kind: string;
  /** All trainable parameters, contiguous. Mutate in place to update the model. */
  readonly params: Float32Array;
  readonly segments: readonly ParamSegment[];
  /** Ordered layers; consecutive runs of them form pipeline stages. */
  readonly layers: readonly LayerInfo[];
  readonly inputShape: readonly number[];
  /** Number of output classes (vocabulary size for the char-LM). */
  readonly numClasses: number;
  /** Mean loss over the batch; writes d(mean loss)/d(params) into `gradOut` (same length as params). */
  lossAndGrad(batch: Batch, gradOut: Float32Array): number;
  evaluate(batch: Batch): EvalSums;
  /** Raw outputs (logits) for a batch: `size x numClasses`, or `size x context x vocab` for sequences. */
  predict(inputs: Float32Array | Int32Array, size: number): Float32Array;
  /** Frees backend memory held by the model. */
  dispose(): void;
}
