/**
 * What the training loop needs to know about the other workers of a data-parallel job: its rank,
 * the world size, a clock, and a sum over ranks. A single worker is a group of one whose sums are
 * no-ops; parallel/ implements it over a Communicator. Keeping this seam in train/ lets the one
 * training loop serve every synchronous strategy without train/ depending on comm/.
 */
import type { Batch } from '../data/index.js';
import type { RankState } from './checkpoint.js';

export interface GroupTraffic {
  readonly bytesSent: number;
  readonly bytesReceived: number;
}

export interface WorkerGroup {
  readonly rank: number;
  readonly size: number;
  /** True when `now()` is a simulated clock (virtual mode); reported times are then labelled so. */
  readonly simulated: boolean;
  /** Seconds on this rank's clock. */
  now(): number;
  /**
   * Records local compute just done on `samples` samples, measured at `seconds` of wall time, and
   * returns the seconds it counts for on this group's clock: the same on a real clock; on a
   * simulated one, what the compute model charges (the clock advances by it).
   */
  computed(seconds: number, samples: number): number;
  /** Element-wise sum over ranks, in place, of `grad` and of `scalars`; every rank ends with the same values. */
  sumGradients(grad: Float32Array, scalars: Float32Array): Promise<void>;
  /** Element-wise sum over ranks of a few values (evaluation sums). */
  sumScalars(values: Float32Array): Promise<void>;
  /** Bytes this rank has sent and received through the group so far. */
  traffic(): GroupTraffic;
  /**
   * The sample indices this rank trains on at `step` (default: its slice of the global batch).
   * Strategies whose workers hold their own data (a partition) draw from it here.
   */
  localSamples?(step: number, globalBatch: Int32Array): Int32Array;
  /** What this rank computes on in place of `batch` (e.g. a Byzantine worker's relabelled targets). */
  prepareBatch?(batch: Batch): Batch;
  /**
   * A callback for the backward pass of `step`'s gradient, told each layer as its gradient becomes
   * final (the output side's first); null when the group has no use for it at that step.
   */
  layerReadiness?(step: number): ((layer: number) => void) | null;
  /**
   * True when this rank steps on its own gradient at `step` (local SGD, gossip): the gradient is
   * its share's mean, not summed over the group, and `afterStep` reconciles the models.
   */
  stepsLocally?(step: number): boolean;
  /** Before the gradient of `step`, with the parameters it is taken at (model averaging's corrections need them). */
  beforeStep?(params: Float32Array, step: number): void;
  /**
   * After the optimizer step that completed `step` steps: reconcile this rank's parameters with
   * the others' (model averaging, gossip). `scalars` holds [loss, stop vote] of this rank; when the
   * group exchanges them it leaves their sums there and returns true.
   */
  afterStep?(params: Float32Array, step: number, scalars: Float32Array, at: StepMoment): Promise<boolean>;
  /** After an evaluation that followed `afterStep`: puts back what the group swapped in to be evaluated (gossip's average model). */
  afterEvaluation?(params: Float32Array): void;
  /**
   * Every rank's state, gathered on rank 0 for a checkpoint (every rank calls it; null elsewhere).
   * Absent when every rank holds the same state.
   */
  gatherStates?(own: RankState): Promise<RankState[] | null>;
  /** Measurements of the step just completed that the lead adds to its step record (e.g. gossip's consensus distance). */
  stepMetrics?(): { consensusDistance?: number };
}

/** What the loop knows of a completed step that a group reconciling models needs: the run evaluates after it, or may end with it. */
export interface StepMoment {
  readonly evaluates: boolean;
  readonly last: boolean;
  /** The learning rate the step was taken at. */
  readonly lr: number;
}

/** The group of one: training on a single worker. */
export function soloGroup(): WorkerGroup {
  return {
    rank: 0,
    size: 1,
    simulated: false,
    now: () => performance.now() / 1000,
    computed: (seconds) => seconds,
    sumGradients: async () => {},
    sumScalars: async () => {},
    traffic: () => ({ bytesSent: 0, bytesReceived: 0 }),
  };
}
