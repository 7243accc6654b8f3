/**
 * DDP whose gradient all-reduces overlap the backward pass and the next step's forward, on virtual
 * mode's clock (the `overlap` option of the `ddp` strategy).
 *
 * Wait-free backpropagation (Zhang et al., "Poseidon", USENIX ATC 2017): a unit of gradient is
 * all-reduced as soon as backward has produced it, by a communication thread (the rank's comm lane,
 * comm/transports/virtual/clock.ts) while the rank computes on. The next step's forward runs
 * layer by layer, each layer once its parameters' units are reduced (and updated); so it can start
 * before the whole all-reduce ends when the input side's units go first: priority scheduling of
 * partitions (TicTac, Hashemi et al., MLSys 2019; ByteScheduler, Peng et al., SOSP 2019). FIFO
 * sends the units in the order they become ready. Units are DDP's buckets, per-layer partitions,
 * or whole layers merged by MG-WFBP's rule (mg-wfbp.ts) or the optimum (optimal-merge.ts).
 *
 * The gradient values are those of plain DDP: each rank still computes its whole gradient, and
 * every unit is summed before the optimizer steps. What overlaps is the simulated time: the step's
 * priced compute is split over layers by FLOPs (step-plan.ts), units start on the comm lane when
 * ready, and forward waits are charged to the compute lane.
 */
import { z } from 'zod';
import { chooseAllReduceAlgorithm, Communicator, predictAllReduceSeconds, SubTransport, type MessageAllReduceAlgorithm } from '../../comm/index.js';
import type { LayerInfo, Model } from '../../nn/model.js';
import type { GroupTraffic, StepMoment, WorkerGroup } from '../../train/worker-group.js';
import { LoomError } from '../../util/errors.js';
import { groupLimits, sumOptions, type CommGroupOptions } from '../ddp/comm-group.js';
import { mgWfbpMerge } from './mg-wfbp.js';
import { optimalMerge } from './optimal-merge.js';
import {
  bucketUnits,
  layerBucketUnits,
  fifoOrder,
  gatedForward,
  gradientReadyTimes,
  partitionUnits,
  priorityOrder,
  splitCompute,
  unitReadyTimes,
  unitsOfLayers,
  type CommUnit,
} from './step-plan.js';
import type { StepTimeline } from './timeline.js';

export const overlapSchema = z.strictObject({
  /** fifo: first ready, first sent; priority: of the ready units, the input side's first. */
  schedule: z.enum(['fifo', 'priority']).default('fifo'),
  /**
   * Units of communication: each layer's gradient cut into partitions of at most this many KiB
   * (ByteScheduler's partition size); absent: DDP's buckets (distributed.bucketMB, firstBucketMB).
   */
  partitionKB: z.number().positive().optional(),
  /**
   * Units of whole layers merged into buckets from the first step's layer timings and the
   * all-reduce cost model: MG-WFBP's rule (Shi et al. 2019), or the optimal merge.
   */
  merge: z.enum(['mg-wfbp', 'optimal']).optional(),
});
export type OverlapOptions = z.infer<typeof overlapSchema>;

/** The tag space of the communication thread's messages (a SubTransport context). */
const COMM_THREAD_CONTEXT = 91;

export interface OverlapGroupSetup {
  readonly comm: Communicator;
  readonly model: Model;
  readonly group: CommGroupOptions;
  /** Virtual mode's price of a compute (the rank's stragglers included). */
  readonly computeSeconds: (measuredSeconds: number, samples: number) => number;
  readonly options: OverlapOptions;
}

export class OverlapGroup implements WorkerGroup {
  readonly rank: number;
  readonly size: number;
  readonly simulated = true;
  private readonly comm: Communicator;
  /** The communication thread's communicator: its own clock lane and tag space. */
  private readonly thread: Communicator;
  private readonly layers: readonly LayerInfo[];
  private units: readonly CommUnit[];
  private layerUnits: readonly (readonly number[])[];
  private order: readonly number[] | null = null;
  /** When each unit's all-reduce of the previous step ended on the comm lane. */
  private reduced: Float64Array;
  /** The step in progress: its compute seconds, when backward ends and each layer's gradient is ready. */
  private pending: { readonly seconds: number; readonly backwardEnd: number; readonly layerReady: Float64Array } | null = null;
  private step = 0;
  private readonly timeline: StepTimeline | null;
  /** The last unit sent and the step's scalars, reduced as one vector. */
  private tail = new Float32Array(0);

  constructor(private readonly setup: OverlapGroupSetup) {
    const { comm, model, options } = setup;
    const stream = comm.transport.commStream;
    if (!stream) throw new LoomError('strategy.overlap needs a simulated clock with a communication thread per rank (distributed.mode virtual)');
    this.comm = comm;
    this.rank = comm.rank;
    this.size = comm.size;
    const ranks = Array.from({ length: comm.size }, (_, r) => r);
    this.thread = new Communicator(new SubTransport(stream(), ranks, COMM_THREAD_CONTEXT), { timeoutMs: setup.group.timeoutMs, costModel: comm.costModel });
    this.layers = model.layers;
    // Merged buckets and every order are planned at the first step from rank 0's timing, and broadcast.
    this.units =
      options.partitionKB !== undefined
        ? partitionUnits(model.layers, Math.max(1, Math.floor((options.partitionKB * 1024) / 4)))
        : options.merge
          ? []
          : bucketUnits(model.layers, setup.group.buckets);
    this.layerUnits = unitsOfLayers(model.layers.length, this.units);
    this.reduced = new Float64Array(this.units.length);
    this.timeline = setup.group.timeline ?? null;
  }

  now(): number {
    return this.comm.transport.now!();
  }

  /**
   * Prices the step's compute and lays it out: the forward layer by layer, each waiting for its
   * parameters' units of the previous step, then the backward. The clock moves by the compute
   * alone; the forward's waits are charged when the gradient is summed (they are communication).
   */
  computed(measuredSeconds: number, samples: number): number {
    const seconds = this.setup.computeSeconds(measuredSeconds, samples);
    const start = this.now();
    const { forward, backward } = splitCompute(this.layers, seconds);
    const paramsReady = this.layers.map((_, l) => this.layerUnits[l]!.reduce((t, u) => Math.max(t, this.reduced[u]!), 0));
    const { starts, end } = gatedForward(forward, paramsReady, start);
    const layerReady = gradientReadyTimes(backward, end);
    this.pending = { seconds, backwardEnd: layerReady[0] ?? end, layerReady };
    if (this.timeline?.wants(this.step)) this.recordCompute(start, forward, starts, end, layerReady);
    this.comm.transport.advanceClock!(start + seconds);
    return seconds;
  }

  async sumGradients(grad: Float32Array, scalars: Float32Array): Promise<void> {
    const pending = this.pending;
    if (!pending) throw new LoomError('overlap: sumGradients before the step was computed');
    this.pending = null;
    const order = this.order ?? (await this.plan(pending.seconds, pending.layerReady));
    const ready = unitReadyTimes(this.units, pending.layerReady);
    const lane = this.thread.transport;
    const op = this.opOptions();
    for (const [i, u] of order.entries()) {
      const unit = this.units[u]!;
      lane.advanceClock!(ready[u]!);
      const start = lane.now!();
      const values = grad.subarray(unit.start, unit.end);
      // The step's loss, stop vote and compute seconds ride at the end of the last unit.
      if (i === order.length - 1) await this.reduceWithScalars(values, scalars);
      else await this.thread.allReduce(values, op);
      this.reduced[u] = lane.now!();
      this.timeline?.record({ step: this.step, lane: 'comm', name: `allreduce ${u} (${this.unitLayers(unit)})`, start, end: this.reduced[u]! });
    }
    if (order.length === 0) await this.thread.allReduce(scalars, op); // a model without parameters
    this.comm.transport.advanceClock!(pending.backwardEnd);
    this.timeline?.stepDone(this.step);
    this.step++;
  }

  private async reduceWithScalars(values: Float32Array, scalars: Float32Array): Promise<void> {
    const length = values.length + scalars.length;
    if (this.tail.length !== length) this.tail = new Float32Array(length);
    this.tail.set(values);
    this.tail.set(scalars, values.length);
    await this.thread.allReduce(this.tail, this.opOptions());
    values.set(this.tail.subarray(0, values.length));
    scalars.set(this.tail.subarray(values.length));
  }

  async sumScalars(values: Float32Array): Promise<void> {
    await this.comm.allReduce(values, this.opOptions());
  }

  /** Before an evaluation or the end, the rank waits for the last units (its parameters must be whole). */
  async afterStep(_params: Float32Array, _step: number, _scalars: Float32Array, at: StepMoment): Promise<boolean> {
    if (at.evaluates || at.last) this.comm.transport.advanceClock!(this.reduced.reduce((a, b) => Math.max(a, b), 0));
    return false;
  }

  traffic(): GroupTraffic {
    const own = this.comm.stats.snapshot();
    const thread = this.thread.stats.snapshot();
    return { bytesSent: own.bytesSent + thread.bytesSent, bytesReceived: own.bytesReceived + thread.bytesReceived };
  }

  /**
   * The units (when merged) and their order, planned once by rank 0 from its first step's compute
   * and gradient-ready times and the all-reduce cost model, and broadcast so that every rank sends
   * the same units in the same order.
   */
  private async plan(seconds: number, layerReady: Float64Array): Promise<readonly number[]> {
    if (this.setup.options.merge) {
      // Where each bucket starts (1) in forward order.
      const starts = new Int32Array(this.layers.length);
      if (this.rank === 0) for (const b of this.mergedBuckets(seconds)) starts[b.start] = 1;
      await this.comm.broadcast(starts, 0, this.limits());
      this.setUnits(layerBucketUnits(this.layers, bucketsFromStarts(starts)));
    }
    const order = Int32Array.from(this.rank === 0 ? this.orderOf(unitReadyTimes(this.units, layerReady)) : this.units.map(() => 0));
    await this.comm.broadcast(order, 0, this.limits());
    this.order = Array.from(order);
    return this.order;
  }

  private setUnits(units: readonly CommUnit[]): void {
    this.units = units;
    this.layerUnits = unitsOfLayers(this.layers.length, units);
    this.reduced = new Float64Array(units.length);
  }

  /** MG-WFBP's model of this step: each layer's bytes and backward seconds, the all-reduce's a + b m. */
  private mergedBuckets(seconds: number): { start: number; end: number }[] {
    const { backward } = splitCompute(this.layers, seconds);
    const layers = this.layers.map((l, i) => ({ name: l.name, bytes: l.params * 4, backwardSec: backward[i]! }));
    const total = Math.max(4, this.layers.reduce((t, l) => t + l.params * 4, 0));
    const startupSec = this.predictSeconds(0, total);
    const cost = { startupSec, secPerByte: (this.predictSeconds(total, total) - startupSec) / total };
    return this.setup.options.merge === 'optimal' ? optimalMerge(layers, cost) : mgWfbpMerge(layers, cost);
  }

  private orderOf(ready: Float64Array): number[] {
    if (this.setup.options.schedule === 'fifo') return fifoOrder(ready);
    return priorityOrder(
      ready,
      this.units.map((u) => this.predictSeconds((u.end - u.start) * 4)),
    );
  }

  /** Predicted seconds of an all-reduce of `bytes` by the algorithm chosen for `chosenFor` bytes (default: the same). */
  private predictSeconds(bytes: number, chosenFor = bytes): number {
    const { algorithm } = this.setup.group;
    // Virtual mode has no shared memory: the choice is among the message algorithms.
    const chosen: MessageAllReduceAlgorithm = !algorithm || algorithm === 'auto' || algorithm === 'shared-memory' ? chooseAllReduceAlgorithm(this.size, chosenFor, this.comm.costModel) : algorithm;
    return predictAllReduceSeconds(chosen, this.size, bytes, this.comm.costModel);
  }

  private recordCompute(start: number, forward: readonly number[], starts: Float64Array, end: number, layerReady: Float64Array): void {
    const step = this.step;
    let t = start;
    this.layers.forEach((layer, l) => {
      this.timeline!.record({ step, lane: 'compute', name: `wait ${layer.name}`, start: t, end: starts[l]! });
      this.timeline!.record({ step, lane: 'compute', name: `forward ${layer.name}`, start: starts[l]!, end: starts[l]! + forward[l]! });
      t = starts[l]! + forward[l]!;
    });
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const from = l === this.layers.length - 1 ? end : layerReady[l + 1]!;
      this.timeline!.record({ step, lane: 'compute', name: `backward ${this.layers[l]!.name}`, start: from, end: layerReady[l]! });
    }
  }

  private unitLayers(unit: CommUnit): string {
    const first = this.layers[unit.firstLayer]!.name;
    return unit.firstLayer === unit.lastLayer ? first : `${first}..${this.layers[unit.lastLayer]!.name}`;
  }

  private limits(): { timeoutMs?: number; signal?: AbortSignal } {
    return groupLimits(this.setup.group);
  }

  private opOptions() {
    return sumOptions(this.setup.group);
  }
}

/** Buckets [start, end) of layers from the layers each starts at, in communication order (the output side's first). */
function bucketsFromStarts(starts: Int32Array): { start: number; end: number }[] {
  const buckets: { start: number; end: number }[] = [];
  let end = starts.length;
  for (let l = starts.length - 1; l >= 0; l--) {
    if (starts[l] === 1 || l === 0) {
      buckets.push({ start: l, end });
      end = l;
    }
  }
  return buckets;
}
