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
  /**
   * Mean loss over the batch; writes `weight` x d(mean loss)/d(params) into `gradOut` (same length
   * as params). The weight (default 1) seeds the backward pass, so a data-parallel rank gets its
   * share of the global batch's mean gradient without another pass over the gradient.
   * `onLayerReady(l)` is called during the backward pass once `layers[l]`'s gradients are in
   * `gradOut` (the output side's first), once per layer with parameters.
   */
  lossAndGrad(batch: Batch, gradOut: Float32Array, weight?: number, onLayerReady?: (layer: number) => void): number;
  evaluate(batch: Batch): EvalSums;
  /** Raw outputs (logits) for a batch: `size x numClasses`, or `size x context x vocab` for sequences. */
  predict(inputs: Float32Array | Int32Array, size: number): Float32Array;
  /** Frees backend memory held by the model. */
  dispose(): void;
}

/** What flows back out of a stage: d(loss)/d(stage input), and the loss where the stage ends the model. */
export interface StageGrad {
  /** Null for the first stage (its input is data). */
  readonly gradInput: Float32Array | null;
  /** Mean loss of the batch; only from the last stage. */
  readonly loss?: number;
}

/**
 * A model whose ordered layers can be cut into pipeline stages (layers [from, to)), run on typed
 * arrays so that parallel/ needs no tensor library. Stage inputs and outputs are activations of
 * `size` samples, `layers[to - 1].outputShape` each (the first stage takes the batch inputs).
 */
export interface StagedModel extends Model {
  stageForward(from: number, to: number, input: Float32Array | Int32Array, size: number): Float32Array;
  /**
   * Recomputes the stage's forward pass, writes its parameters' gradients into `gradOut` (full
   * length, at their own offsets; other entries untouched) and returns d(loss)/d(input).
   * `upstream`: d(loss)/d(output), or the batch targets for the stage that ends the model.
   */
  stageBackward(
    from: number,
    to: number,
    input: Float32Array | Int32Array,
    size: number,
    upstream: { readonly gradOutput: Float32Array } | { readonly targets: Int32Array | Float32Array },
    gradOut: Float32Array,
  ): StageGrad;
}
