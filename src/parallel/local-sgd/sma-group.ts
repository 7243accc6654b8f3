/**
 * Synchronous model averaging (SMA; Koliousis, Watcharapichat, Weidlich, Mai, Costa, Pietzuch,
 * "CROSSBOW: Scaling Deep Learning with Small Batch Sizes on Multi-GPU Servers", VLDB 2019,
 * Algorithm 1): every learner j takes its own step on its own share of the batch and is pulled
 * towards a central average model z by a correction c_j = alpha (w_j - z) computed at the model
 * the gradient was taken at; z moves by the sum of the corrections plus momentum on z:
 *
 *   w_j <- w_j - lr g_j - c_j,    z <- z + sum_j c_j + mu (z - z_prev)
 *
 * One all-reduce of the corrections per step (the bytes of DDP's gradient). Every rank keeps the
 * same z. What is evaluated is the central model (swapped in for the evaluation only, each learner
 * then going on from its own model); at the end the learners take z for good, so z is what is kept.
 * z and z_prev are this strategy's state in checkpoints.
 */
import type { Communicator } from '../../comm/index.js';
import type { RankState } from '../../train/checkpoint.js';
import type { StepMoment } from '../../train/worker-group.js';
import { CommGroup, type CommGroupOptions } from '../ddp/comm-group.js';
import { HeldModel } from '../held-model.js';
import { gatherRankStates } from '../rank-states.js';

export interface SmaOptions {
  /** The pull towards z (the paper: 1 / learners). */
  readonly alpha: number;
  /** Momentum on the central model. */
  readonly momentum: number;
}

/** One SMA update of the central model, in place: z <- z + sum + mu (z - zPrev); zPrev <- the old z. */
export function updateCentralModel(z: Float32Array, zPrev: Float32Array, correctionSum: Float32Array, momentum: number): void {
  for (let i = 0; i < z.length; i++) {
    const old = z[i]!;
    z[i] = old + correctionSum[i]! + momentum * (old - zPrev[i]!);
    zPrev[i] = old;
  }
}

export class SmaGroup extends CommGroup {
  private readonly z: Float32Array;
  private readonly zPrev: Float32Array;
  private readonly correction: Float32Array;
  private readonly held = new HeldModel();

  /** `start`: the learners' common starting model, or the central models of the resumed state. */
  constructor(comm: Communicator, options: CommGroupOptions, private readonly sma: SmaOptions, start: Float32Array, resumed: Readonly<Record<string, Float32Array>> | null) {
    super(comm, options);
    this.z = Float32Array.from(resumed?.z ?? start);
    this.zPrev = Float32Array.from(resumed?.zPrev ?? start);
    this.correction = new Float32Array(start.length);
  }

  stepsLocally(): boolean {
    return true;
  }

  beforeStep(params: Float32Array): void {
    const { z, correction } = this;
    const alpha = this.sma.alpha;
    for (let i = 0; i < params.length; i++) correction[i] = alpha * (params[i]! - z[i]!);
  }

  async afterStep(params: Float32Array, _step: number, scalars: Float32Array, at: StepMoment): Promise<boolean> {
    const { correction, z } = this;
    for (let i = 0; i < params.length; i++) params[i]! -= correction[i]!;
    const limits = this.limits();
    await Promise.all([this.comm.allReduce(correction, { op: 'sum', ...limits }), this.comm.allReduce(scalars, { op: 'sum', ...limits })]);
    updateCentralModel(z, this.zPrev, correction, this.sma.momentum);
    if (at.evaluates && !at.last) this.held.hold(params);
    if (at.evaluates || at.last) params.set(z);
    return true;
  }

  afterEvaluation(params: Float32Array): void {
    this.held.restore(params);
  }

  gatherStates(own: RankState): Promise<RankState[] | null> {
    return gatherRankStates(this.comm, { ...own, strategy: { z: this.z.slice(), zPrev: this.zPrev.slice() } }, this.limits());
  }
}
