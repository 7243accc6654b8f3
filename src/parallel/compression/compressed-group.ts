/**
 * DDP with gradient compression: each rank's gradient share is compressed and the shares are
 * summed by the collective the compressor allows (compressed-sum.ts); the step's scalars go
 * uncompressed beside it. The first `denseSteps` steps, if any, are plain DDP's. A compressor's state (error residuals, PowerSGD's Q, DGC's momentum)
 * differs from rank to rank, so every rank's goes into the checkpoint and comes back on resume.
 */
import type { Communicator } from '../../comm/index.js';
import type { CompressionSpec, CompressionTarget } from '../../compress/index.js';
import type { RankState } from '../../train/checkpoint.js';
import { CommGroup, type CommGroupOptions } from '../ddp/comm-group.js';
import { gatherRankStates } from '../rank-states.js';
import { CompressedSum } from './compressed-sum.js';

const STATE_KEY = 'compressor';

export class CompressedGroup extends CommGroup {
  private readonly compressed: CompressedSum;
  private step = 0;

  /** `denseSteps`: steps before this one are summed uncompressed (a warm-up, as PyTorch's PowerSGD hook and DGC start). */
  constructor(
    comm: Communicator,
    options: CommGroupOptions,
    spec: CompressionSpec,
    target: Omit<CompressionTarget, 'rank' | 'size'>,
    resumed: RankState | null,
    private readonly denseSteps = 0,
  ) {
    super(comm, options);
    this.compressed = CompressedSum.create(comm, spec, target, resumed?.strategy?.[STATE_KEY], () => this.limits());
  }

  beforeStep(_params: Float32Array, step: number): void {
    this.step = step;
  }

  override async sumGradients(grad: Float32Array, scalars: Float32Array): Promise<void> {
    if (this.step < this.denseSteps) return super.sumGradients(grad, scalars);
    await Promise.all([this.compressed.sum(grad, grad, this.step), this.sumScalars(scalars)]);
  }

  gatherStates(own: RankState): Promise<RankState[] | null> {
    const state = this.compressed.method.saveState();
    return gatherRankStates(this.comm, state ? { ...own, strategy: { [STATE_KEY]: state } } : own, this.limits());
  }
}
