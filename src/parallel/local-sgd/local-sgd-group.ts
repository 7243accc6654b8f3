/**
 * The group of a local SGD rank: synchronous DDP (bucketed gradient all-reduce) before the switch
 * step, then local steps on each rank's own share of the batch, with the models averaged every
 * `period` steps — over all ranks, or hierarchically: within each node every `period` steps and
 * over all ranks every `globalPeriod` steps. The models are also averaged before every evaluation
 * and at the end, so what is evaluated and kept is the average model. Momentum buffers stay local
 * (Lin et al.); a checkpoint holds every rank's own state. With slow momentum (SlowMo,
 * slow-momentum.ts) every average over all ranks after the switch is followed by its outer step.
 */
import type { Communicator } from '../../comm/index.js';
import type { RankState } from '../../train/checkpoint.js';
import type { GroupTraffic, StepMoment } from '../../train/worker-group.js';
import { CommGroup, type CommGroupOptions } from '../ddp/comm-group.js';
import { gatherRankStates } from '../rank-states.js';
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

  /** `start`: the common starting model; `resumed`: the strategy buffers of a resumed rank. */
  constructor(comm: Communicator, options: CommGroupOptions, private readonly schedule: LocalSgdSchedule, start: Float32Array, resumed: Readonly<Record<string, Float32Array>> | null) {
    super(comm, options);
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
      if (step === this.schedule.switchStep) this.slow?.restart(params); // the synchronous phase ends: outer steps start here
      return false;
    }
    let scope = averagingAfter(this.schedule, step);
    if (at.evaluates || at.last) scope = 'all';
    if (scope === 'none') return false;
    const comm = scope === 'all' || !this.node ? this.comm : this.node;
    const limits = this.limits();
    await Promise.all([comm.allReduce(params, { op: 'mean', ...limits }), comm.allReduce(scalars, { op: 'sum', ...limits })]);
    if (comm !== this.comm) return false;
    this.slow?.step(params, at.lr);
    return true;
  }

  gatherStates(own: RankState): Promise<RankState[] | null> {
    return gatherRankStates(this.comm, this.slow ? { ...own, strategy: this.slow.state() } : own, this.limits());
  }

  override traffic(): GroupTraffic {
    const total = super.traffic();
    if (!this.node) return total;
    const node = this.node.stats.snapshot();
    return { bytesSent: total.bytesSent + node.bytesSent, bytesReceived: total.bytesReceived + node.bytesReceived };
  }
}
