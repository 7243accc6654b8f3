/**
 * The group of a local SGD rank: synchronous DDP (bucketed gradient all-reduce) before the switch
 * step, then local steps on each rank's own share of the batch, with the models averaged every
 * `period` steps — over all ranks, or hierarchically: within each node every `period` steps and
 * over all ranks every `globalPeriod` steps. What is evaluated is the ranks' exact average (swapped
 * in for the evaluation only, each rank then going on from its own model); at the end the average
 * replaces every rank's model, so it is what is kept. Momentum buffers stay local
 * (Lin et al.); a checkpoint holds every rank's own state. With slow momentum (SlowMo,
 * slow-momentum.ts) every average over all ranks after the switch is followed by its outer step.
 * With compression, the scheduled averages over all ranks go through the compressor
 * (compressed-average.ts: each rank's delta since the last average is compressed); the synchronous
 * phase, the node averages of hierarchical local SGD and the exact averages evaluated stay dense.
 */
import type { Communicator } from '../../comm/index.js';
import type { RankState } from '../../train/checkpoint.js';
import type { GroupTraffic, StepMoment } from '../../train/worker-group.js';
import { CommGroup, type CommGroupOptions } from '../ddp/comm-group.js';
import { HeldModel } from '../held-model.js';
import { gatherRankStates } from '../rank-states.js';
import type { CompressionSpec, CompressionTarget } from '../../compress/index.js';
import { CompressedAverage } from '../compression/compressed-average.js';
import { SlowMomentum, type SlowMomentumOptions } from './slow-momentum.js';

export interface LocalSgdSchedule {
  /** Local steps between averages (H). */
  readonly period: number;
  /** Steps trained synchronously (DDP) before local SGD starts: post-local SGD. */
  readonly switchStep: number;
  /** Hierarchical: ranks per node, averaged among themselves every `period` steps... */
  readonly nodeSize?: number;
  /** ...and over all ranks every `globalPeriod` steps. */
  readonly globalPeriod?: number;
  /** SlowMo's outer momentum after every average over all ranks. */
  readonly slowMomentum?: SlowMomentumOptions;
}

/** Which average, if any, follows the local step that completed `step` steps. */
export function averagingAfter(schedule: LocalSgdSchedule, step: number): 'none' | 'node' | 'all' {
  const local = step - schedule.switchStep;
  if (local <= 0) return 'none';
  if (schedule.nodeSize === undefined) return local % schedule.period === 0 ? 'all' : 'none';
  if (schedule.globalPeriod !== undefined && local % schedule.globalPeriod === 0) return 'all';
  return local % schedule.period === 0 ? 'node' : 'none';
}

export class LocalSgdGroup extends CommGroup {
  private readonly node: Communicator | null;
  private readonly slow: SlowMomentum | null;
  private readonly held = new HeldModel();

  private readonly compressed: CompressedAverage | null;
  /** `start`: the common starting model; `resumed`: the strategy buffers of a resumed rank; `compression`: the scheduled averages' compressor. */
  constructor(
    comm: Communicator,
    options: CommGroupOptions,
    private readonly schedule: LocalSgdSchedule,
    start: Float32Array,
    resumed: Readonly<Record<string, Float32Array>> | null,
    compression: { spec: CompressionSpec; target: Omit<CompressionTarget, 'rank' | 'size'> } | null = null,
  ) {
    super(comm, options);
    this.compressed = compression ? new CompressedAverage(comm, compression.spec, compression.target, start, resumed, () => this.limits()) : null;
    this.slow = schedule.slowMomentum ? new SlowMomentum(schedule.slowMomentum, start, resumed) : null;
    const size = schedule.nodeSize;
    if (size === undefined || size >= comm.size) this.node = null;
    else {
      const first = Math.floor(comm.rank / size) * size;
      this.node = comm.subset(Array.from({ length: size }, (_, i) => first + i), 1);
    }
  }

  stepsLocally(step: number): boolean {
    return step >= this.schedule.switchStep;
  }

  async afterStep(params: Float32Array, step: number, scalars: Float32Array, at: StepMoment): Promise<boolean> {
    if (step <= this.schedule.switchStep) {
      if (step === this.schedule.switchStep) {
        // The synchronous phase ends: outer steps and compressed deltas start from here.
        this.slow?.restart(params);
        this.compressed?.restart(params);
      }
      return false;
    }
    const scheduled = averagingAfter(this.schedule, step);
    const limits = this.limits();
    if (scheduled === 'node' && this.node) await this.node.allReduce(params, { op: 'mean', ...limits });
    else if (scheduled !== 'none') {
      if (!this.compressed) await this.averageAll(params, scalars);
      else await Promise.all([this.compressed.average(params, step, this.size), this.sumScalars(scalars)]);
      this.slow?.step(params, at.lr);
      if (this.slow) this.compressed?.restart(params);
      return true;
    }
    if (!at.evaluates && !at.last) return false;
    // The average is evaluated; it is kept only at the end.
    if (!at.last) this.held.hold(params);
    await this.averageAll(params, scalars);
    return true;
  }

  afterEvaluation(params: Float32Array): void {
    this.held.restore(params);
  }

  /** Every rank's model replaced by the mean over all ranks, and the scalars summed. */
  private async averageAll(params: Float32Array, scalars: Float32Array): Promise<void> {
    const limits = this.limits();
    await Promise.all([this.comm.allReduce(params, { op: 'mean', ...limits }), this.comm.allReduce(scalars, { op: 'sum', ...limits })]);
  }

  gatherStates(own: RankState): Promise<RankState[] | null> {
    const strategy = { ...this.slow?.state(), ...this.compressed?.state() };
    return gatherRankStates(this.comm, Object.keys(strategy).length > 0 ? { ...own, strategy } : own, this.limits());
  }

  override traffic(): GroupTraffic {
    const total = super.traffic();
    if (!this.node) return total;
    const node = this.node.stats.snapshot();
    return { bytesSent: total.bytesSent + node.bytesSent, bytesReceived: total.bytesReceived + node.bytesReceived };
  }
}
