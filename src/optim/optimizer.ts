/**
 * The optimizer seam: an update rule over flat buffers. An optimizer is built for one range of the
 * parameter buffer (the whole model, or one ZeRO shard) and keeps its state for that range only.
 *
 * Driving it: `lr = schedule(opt.stepCount); opt.step(params, grads, lr)` — the schedule is a pure
 * function of the step count, and the step count is part of the state, so resume is exact.
 */

/** A parameter tensor's extent inside the range the optimizer owns (offsets relative to it). */
export interface SegmentRange {
  readonly offset: number;
  readonly size: number;
  /**
   * Shape of the tensor this range belongs to (in a shard, the range may be a piece of it).
   * Only its rank is used: LARS can leave 1-D tensors (biases, norm scales) unadapted. Unknown
   * (absent) counts as a matrix. `nn/`'s `ParamSegment` fits this type as it is.
   */
  readonly shape?: readonly number[];
}

export interface OptimizerLayout {
  /** Number of elements the optimizer updates. */
  readonly length: number;
  /**
   * Tensor boundaries inside that range; layer-wise rules (LARS, LAMB) compute one trust ratio
   * per segment. Defaults to one segment covering everything. When given, the segments must tile
   * `[0, length)` exactly (any order, no gaps, no overlaps).
   */
  readonly segments?: readonly SegmentRange[];
}

/** Named state buffers and scalars, enough to resume bit-exactly. */
export interface OptimizerState {
  /** `Optimizer.kind` of the writer; when present, `loadState` refuses another kind. */
  readonly kind?: string;
  readonly step: number;
  readonly buffers: Readonly<Record<string, Float32Array>>;
}

export interface Optimizer {
  readonly kind: string;
  /** Applies one update in place: `params` and `grads` have `layout.length` elements. */
  step(params: Float32Array, grads: Float32Array, lr: number): void;
  /** Number of steps applied so far. */
  readonly stepCount: number;
  /** Copies of the state buffers and the step count. */
  state(): OptimizerState;
  /** Copies `state` in; refuses (LoomError) another kind, other buffer names or lengths. */
  loadState(state: OptimizerState): void;
}
