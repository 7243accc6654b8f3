/**
 * The optimizer seam: an update rule over flat buffers. An optimizer is built for one range of the
 * parameter buffer (the whole model, or one ZeRO shard) and keeps its state for that range only.
 */

/** A parameter tensor's extent inside the range the optimizer owns (offsets relative to it). */
export interface SegmentRange {
  readonly offset: number;
  readonly size: number;
}

export interface OptimizerLayout {
  /** Number of elements the optimizer updates. */
  readonly length: number;
  /**
   * Tensor boundaries inside that range; layer-wise rules (LARS, LAMB) compute one trust ratio
   * per segment. Defaults to one segment covering everything.
   */
  readonly segments?: readonly SegmentRange[];
}

/** Named state buffers and scalars, enough to resume bit-exactly. */
export interface OptimizerState {
  readonly step: number;
  readonly buffers: Readonly<Record<string, Float32Array>>;
}

export interface Optimizer {
  readonly kind: string;
  /** Applies one update in place: `params` and `grads` have `layout.length` elements. */
  step(params: Float32Array, grads: Float32Array, lr: number): void;
  /** Number of steps applied so far. */
  readonly stepCount: number;
  state(): OptimizerState;
  loadState(state: OptimizerState): void;
}
