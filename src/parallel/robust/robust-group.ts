/**
 * Byzantine-robust synchronous data parallelism as a WorkerGroup: instead of an all-reduce (a sum,
 * which one bad vector controls), every worker sends its gradient to the aggregating server on
 * rank 0, which applies the robust rule (pre-aggregators + aggregator, or DRACO's majority
 * decoding) and broadcasts the result; the step's scalars are summed as in DDP.
 *
 * The attackers really run on their ranks: the leader (the first Byzantine rank) receives what the
 * attackers observe (the honest gradients, sent by the server, when omniscient; otherwise the
 * Byzantine workers' own gradients), forges the f vectors and sends them to the server in place
 * of the Byzantine workers'. A vector shorter than the gradient from a worker is replaced by NaNs,
 * which every robust rule treats as the farthest input, instead of failing the job.
 *
 * With compression, every worker (the server's own included) sends the packed encoding of its
 * vector from a compressor of its own, and the server decodes each one before the rule sees it; a
 * malformed encoding becomes NaNs like a short vector. The attackers forge dense vectors and
 * encode them with compressors of their own, so the server sees only what the wire can carry
 * (without error feedback: an attack forges afresh what the server should see; a compressor with
 * inherent state, such as DGC's momentum, keeps it across steps but not across a resume).
 */
import type { Communicator } from '../../comm/index.js';
import type { Batch } from '../../data/index.js';
import { dracoDecode, type Aggregator, type Attack } from '../../robust/index.js';
import type { RankState } from '../../train/checkpoint.js';
import { LoomError } from '../../util/errors.js';
import type { PushCompression, PushDecoding } from '../compression/compressed-push.js';
import { LocalWork } from '../compression/local-work.js';
import { CommGroup, type CommGroupOptions } from '../ddp/comm-group.js';
import { gatherRankStates } from '../rank-states.js';
import type { LocalSamples } from './local-samples.js';
import type { RobustPlan } from './robust-plan.js';

const GRADIENT_TAG = 0x5200;
const OBSERVED_TAG = 0x5201;
const OWN_TAG = 0x5202;
const FORGED_TAG = 0x5203;

export interface RobustGroupOptions extends Omit<CommGroupOptions, 'buckets'> {
  readonly plan: RobustPlan;
  /** The server's rule (rank 0 only; null with DRACO). */
  readonly rule: Aggregator | null;
  /** The attack (the leader runs forge; every Byzantine rank may relabel its data). */
  readonly attack: Attack | null;
  readonly samples: LocalSamples;
  /** Classes of the dataset, for data-level attacks. */
  readonly classes: number;
  /** Compressed vectors: this rank's compressor, the leader's one per Byzantine rank, the server's decoder. */
  readonly compression: RobustCompression | null;
}

export interface RobustCompression {
  readonly own: PushCompression;
  /** The leader only: a compressor for each Byzantine rank's forged vector (in plan.byzantine's order). */
  readonly forgers: readonly PushCompression[];
  /** Rank 0 only. */
  readonly decoding: PushDecoding | null;
}

/** Keys of a rank's own state in a checkpoint: its compressor's, and its worker momentum. */
const STATE_KEY = 'compressor';
const MOMENTUM_KEY = 'workerMomentum';

export class RobustGroup extends CommGroup {
  private readonly plan: RobustPlan;
  private readonly isByzantine: boolean;
  private vectors: Float32Array[] = [];
  private own = new Float32Array(0);
  private step = 0;
  /** The compressors' compute (rank 0: the decoding too). */
  private readonly work: LocalWork;

  /** Present when the ranks keep state of their own (compressor residuals, worker momentum): every rank's goes into a checkpoint. */
  readonly gatherStates?: (own: RankState) => Promise<RankState[] | null>;

  /** `resumed`: this rank's state in the checkpoint a run resumes from. */
  constructor(comm: Communicator, private readonly robust: RobustGroupOptions, resumed: RankState | null = null) {
    super(comm, { ...robust, buckets: [] });
    this.plan = robust.plan;
    this.work = new LocalWork(comm);
    this.isByzantine = this.plan.byzantine.includes(this.rank);
    const compressor = robust.compression?.own;
    const saved = resumed?.strategy?.[STATE_KEY];
    if (compressor && saved) compressor.loadState(saved);
    const momentum = resumed?.strategy?.[MOMENTUM_KEY];
    if (momentum && momentum.length > 0) this.own = Float32Array.from(momentum);
    const keepsCompressor = compressor?.saveState() != null;
    const keepsMomentum = (this.plan.config.workerMomentum ?? 0) > 0;
    if (keepsCompressor || keepsMomentum) {
      this.gatherStates = (state) => {
        const strategy: Record<string, Float32Array> = {};
        if (keepsCompressor) strategy[STATE_KEY] = compressor!.saveState()!;
        if (keepsMomentum) strategy[MOMENTUM_KEY] = this.own.slice();
        return gatherRankStates(this.comm, { ...state, strategy }, this.limits());
      };
    }
  }

  localSamples(step: number, globalBatch: Int32Array): Int32Array {
    return this.robust.samples(step, globalBatch);
  }

  prepareBatch(batch: Batch): Batch {
    const relabel = this.robust.attack?.relabel;
    if (!this.isByzantine || !relabel) return batch;
    return { ...batch, targets: relabel(batch.targets as Int32Array, this.robust.classes) };
  }

  beforeStep(_params: Float32Array, step: number): void {
    this.step = step;
  }

  override async sumGradients(grad: Float32Array, scalars: Float32Array): Promise<void> {
    // The trainer weighs each worker's gradient by its share of the global batch; a robust rule
    // compares the workers' own mean gradients, so undo it (DRACO sums its groups and keeps it).
    const weight = this.plan.dracoR === null ? this.size : 1;
    const own = this.ownVector(grad, weight);
    const { plan } = this;
    if (this.rank === 0) await this.serve(own, grad);
    else if (!this.isByzantine) await this.comm.send(0, this.compression ? this.pack(this.compression.own, own) : own, this.tagged(GRADIENT_TAG));
    else if (this.rank === plan.leader) await this.leadAttack(own);
    else if (!plan.omniscient) await this.comm.send(plan.leader!, own, this.tagged(OWN_TAG));
    await this.comm.broadcast(grad, 0, this.limits());
    await this.sumScalars(scalars);
  }

  /**
   * What this worker sends: its gradient times `weight`, or with worker momentum beta its running
   * m <- beta m + (1 - beta) g (starting from the first gradient, so early steps are not damped).
   */
  private ownVector(grad: Float32Array, weight: number): Float32Array {
    const beta = this.plan.config.workerMomentum ?? 0;
    const fresh = this.own.length !== grad.length;
    if (fresh) this.own = new Float32Array(grad.length);
    const own = this.own;
    if (beta === 0 || fresh) for (let j = 0; j < grad.length; j++) own[j] = grad[j]! * weight;
    else for (let j = 0; j < grad.length; j++) own[j] = beta * own[j]! + (1 - beta) * grad[j]! * weight;
    return own;
  }

  /** Rank 0: collect every worker's vector, aggregate, and leave the result in `grad`. */
  private async serve(own: Float32Array, grad: Float32Array): Promise<void> {
    const { plan } = this;
    const d = grad.length;
    if (this.vectors.length !== this.size) this.vectors = Array.from({ length: this.size }, () => new Float32Array(d));
    const vectors = this.vectors;
    const compression = this.compression;
    if (compression) this.decodeOrNaN(this.pack(compression.own, own), 0, vectors[0]!);
    else vectors[0]!.set(own);
    const honestPeers = plan.honest.filter((r) => r !== 0);
    await Promise.all(honestPeers.map((r) => this.receiveVector(r, GRADIENT_TAG, vectors[r]!)));
    if (plan.leader !== null) {
      const leader = plan.leader;
      // One message after another on each tag (they match in order); the two streams run together.
      const showHonest = async (): Promise<void> => {
        if (plan.omniscient) for (const r of plan.honest) await this.comm.send(leader, vectors[r]!, this.tagged(OBSERVED_TAG));
      };
      const takeForged = async (): Promise<void> => {
        for (const r of plan.byzantine) await this.receiveVector(leader, FORGED_TAG, vectors[r]!);
      };
      await Promise.all([showHonest(), takeForged()]);
    }
    if (this.robust.rule) this.robust.rule.aggregate(vectors, grad);
    else dracoDecode(vectors, plan.dracoR!, grad);
  }

  /** The leader: gather what the attackers observe, forge f vectors, send them to the server. */
  private async leadAttack(own: Float32Array): Promise<void> {
    const { plan } = this;
    const d = own.length;
    let observed: Float32Array[];
    if (plan.omniscient) {
      observed = plan.honest.map(() => new Float32Array(d));
      for (const v of observed) await this.comm.recv(0, v, this.tagged(OBSERVED_TAG));
    } else {
      const others = plan.byzantine.filter((r) => r !== this.rank);
      const theirs = others.map(() => new Float32Array(d));
      await Promise.all(others.map((r, i) => this.comm.recv(r, theirs[i]!, this.tagged(OWN_TAG))));
      observed = [own, ...theirs];
    }
    const forged = this.robust.attack!.forge(observed, plan.byzantine.length);
    const forgers = this.compression?.forgers;
    for (const [i, v] of forged.entries()) await this.comm.send(0, forgers ? this.pack(forgers[i]!, v) : v, this.tagged(FORGED_TAG));
  }

  private async receiveVector(from: number, tag: number, into: Float32Array): Promise<void> {
    const decoding = this.compression?.decoding;
    if (decoding) {
      this.decodeOrNaN(await decoding.receiveBytes(this.comm, from, from, this.tagged(tag)), from, into);
      return;
    }
    const received = await this.comm.recv(from, into, this.tagged(tag));
    if (received !== into.length) into.fill(NaN);
  }

  /** The server: a worker's packed vector decoded into `into`, or NaNs (the farthest input of every rule) if it is malformed. */
  private decodeOrNaN(bytes: Uint8Array, from: number, into: Float32Array): void {
    try {
      this.work.run(() => this.compression!.decoding!.decode(bytes, from, into));
    } catch (error) {
      if (!(error instanceof LoomError)) throw error;
      into.fill(NaN);
    }
  }

  /** `vector` compressed and packed for the server at this step (its compute charged to a simulated clock). */
  private pack(compressor: PushCompression, vector: Float32Array): Uint8Array {
    return this.work.run(() => compressor.pack(0, vector, this.step));
  }

  private get compression(): RobustCompression | null {
    return this.robust.compression;
  }


  private tagged(tag: number) {
    return { tag, ...this.limits() };
  }
}
