/**
 * A data-parallel WorkerGroup over a Communicator: gradients are summed bucket by bucket (all
 * buckets in flight at once, each its own collective, as DDP launches a bucket's all-reduce as soon
 * as it is ready), the step's scalars ride in one small all-reduce beside them.
 *
 * Loom's models compute the whole gradient in one call, so buckets cannot overlap the backward
 * pass as in PyTorch; they bound message sizes and let the transport pipeline the buckets.
 */
import type { AllReduceAlgorithm, Communicator } from '../../comm/index.js';
import type { GroupTraffic, WorkerGroup } from '../../train/worker-group.js';
import type { StepTimeline } from '../overlap/timeline.js';
import type { Bucket } from './buckets.js';

export interface CommGroupOptions {
  readonly buckets: readonly Bucket[];
  readonly algorithm?: AllReduceAlgorithm | 'auto';
  readonly timeoutMs?: number;
  /** Cancels the collective in flight (e.g. the coordinator aborted the job). */
  readonly signal?: AbortSignal;
  /** Virtual mode: charges local compute to the simulated clock; returns the seconds charged. */
  readonly chargeCompute?: (measuredSeconds: number, samples: number) => number;
  /** Records each step's compute and each bucket's all-reduce (strategy.timelineSteps). */
  readonly timeline?: StepTimeline | null;
  /** The model's layer names, for the timeline's spans. */
  readonly layerNames?: readonly string[];
}

export class CommGroup implements WorkerGroup {
  readonly rank: number;
  readonly size: number;
  readonly simulated: boolean;
  private readonly wallClock = (): number => performance.now() / 1000;
  /** Steps summed so far (the timeline's step index). */
  private stepsSummed = 0;
  /** Layers as the step's backward reported them, and when (wall-clock ms), for the timeline. */
  private readonly readiness: { layer: number; at: number }[] = [];

  constructor(protected readonly comm: Communicator, private readonly options: CommGroupOptions) {
    this.rank = comm.rank;
    this.size = comm.size;
    this.simulated = comm.transport.now !== undefined;
  }

  now(): number {
    return (this.comm.transport.now ?? this.wallClock)();
  }

  /** With a timeline, the backward's layers are timed as they finish. */
  layerReadiness(): ((layer: number) => void) | null {
    if (!this.options.timeline?.wants(this.stepsSummed)) return null;
    this.readiness.length = 0;
    return (layer) => this.readiness.push({ layer, at: performance.now() });
  }

  computed(seconds: number, samples: number): number {
    const charged = this.options.chargeCompute ? this.options.chargeCompute(seconds, samples) : seconds;
    if (this.options.timeline?.wants(this.stepsSummed)) this.recordCompute(seconds, charged);
    return charged;
  }

  /**
   * The step's compute on the timeline: up to the first layer's gradient (forward, loss and that
   * layer's backward), then each layer's backward as it finished, placed by the share of the
   * measured wall time at which it finished (so a simulated clock gets the same proportions).
   */
  private recordCompute(measuredSeconds: number, charged: number): void {
    const timeline = this.options.timeline!;
    const step = this.stepsSummed;
    const end = this.now();
    const start = end - charged;
    const wallStart = performance.now() - measuredSeconds * 1000;
    const at = (wall: number): number => start + Math.min(1, Math.max(0, (wall - wallStart) / (measuredSeconds * 1000))) * charged;
    const name = (layer: number): string => this.options.layerNames?.[layer] ?? `layer ${layer}`;
    let from = start;
    this.readiness.forEach(({ layer, at: wall }, k) => {
      const to = at(wall);
      timeline.record({ step, lane: 'compute', name: k === 0 ? `forward, loss, backward ${name(layer)}` : `backward ${name(layer)}`, start: from, end: to });
      from = to;
    });
    timeline.record({ step, lane: 'compute', name: this.readiness.length > 0 ? 'end of backward' : 'forward and backward', start: from, end });
    this.readiness.length = 0;
  }

  async sumGradients(grad: Float32Array, scalars: Float32Array): Promise<void> {
    const op = this.opOptions();
    const timeline = this.options.timeline?.wants(this.stepsSummed) ? this.options.timeline : null;
    const step = this.stepsSummed++;
    const start = this.now();
    // The buckets are all in flight at once; each is recorded from the launch to its own end.
    const recorded = (index: number, done: Promise<unknown>) =>
      timeline ? done.then(() => timeline.record({ step, lane: 'comm', name: `allreduce ${index}`, start, end: this.now() })) : done;
    await Promise.all([
      ...this.options.buckets.map(([from, to], index) => recorded(index, this.comm.allReduce(grad.subarray(from, to), op))),
      this.comm.allReduce(scalars, op),
    ]);
    timeline?.stepDone(step);
  }

  async sumScalars(values: Float32Array): Promise<void> {
    await this.comm.allReduce(values, this.opOptions());
  }

  traffic(): GroupTraffic {
    const { bytesSent, bytesReceived } = this.comm.stats.snapshot();
    return { bytesSent, bytesReceived };
  }

  /** The timeout and cancellation every operation of this group runs with. */
  protected limits(): { timeoutMs?: number; signal?: AbortSignal } {
    return groupLimits(this.options);
  }

  private opOptions() {
    return sumOptions(this.options);
  }
}

/** The timeout and cancellation every operation of a group with these options runs with. */
export function groupLimits(options: CommGroupOptions): { timeoutMs?: number; signal?: AbortSignal } {
  const { timeoutMs, signal } = options;
  return { ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(signal ? { signal } : {}) };
}

/** The options of a group's summing all-reduce: its algorithm, under the group's limits. */
export function sumOptions(options: CommGroupOptions) {
  const { algorithm } = options;
  return { op: 'sum' as const, ...(algorithm ? { algorithm } : {}), ...groupLimits(options) };
}
