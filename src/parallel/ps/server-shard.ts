/**
 * What one server of a parameter server holds: its range of the flat parameters, an optimizer for
 * that range (state for the range only; resumed from the matching slice of a whole-model
 * checkpoint, so a checkpoint resumes at any number of servers), and the point-to-point moves
 * every consistency model shares: replying to a worker's push, and shipping its state to the lead
 * worker for a checkpoint.
 */
import type { Communicator, PointToPointOptions } from '../../comm/index.js';
import type { PushDecoding } from '../compression/compressed-push.js';
import { createOptimizer, layoutForRange, type Optimizer, type OptimizerSpec } from '../../optim/index.js';
import type { Model } from '../../nn/model.js';
import { TAG, transferOptions, type TransferLimits } from './protocol.js';
import type { Shard } from './shards.js';

export type ServerLimits = TransferLimits;

/** A copy of a shard's state at one moment (a checkpoint's part). */
export interface ShardState {
  readonly params: Float32Array;
  /** Optimizer steps applied (Adam's bias correction counts them). */
  readonly step: number;
  /** Optimizer buffers in name order. */
  readonly buffers: readonly Float32Array[];
}

export class ServerShard {
  readonly params: Float32Array;
  readonly optimizer: Optimizer;
  readonly length: number;

  constructor(
    private readonly comm: Communicator,
    readonly shard: Shard,
    model: Pick<Model, 'params' | 'segments'>,
    /** The run's whole-model optimizer, holding the resumed state if any. */
    whole: Optimizer,
    spec: OptimizerSpec,
    private readonly limits: ServerLimits,
    /** Decodes compressed pushes; null: pushes are dense float32. */
    private readonly decoding: PushDecoding | null = null,
  ) {
    const [start, end] = shard;
    this.length = end - start;
    this.params = model.params.slice(start, end);
    this.optimizer = createOptimizer(spec, layoutForRange(model.segments, start, end));
    const state = whole.state();
    const buffers: Record<string, Float32Array> = {};
    for (const [name, buffer] of Object.entries(state.buffers)) buffers[name] = buffer.slice(start, end);
    this.optimizer.loadState({ kind: whole.kind, step: state.step, buffers });
  }

  /** Sends the parameters (default: the current ones) and a reply header [loss, stop, staleness, version] to `worker`. */
  async sendParams(worker: number, header: readonly number[], params: Float32Array = this.params): Promise<void> {
    const reply = Float32Array.from(header);
    await Promise.all([this.comm.send(worker, params, this.opts(TAG.pullParams)), this.comm.send(worker, reply, this.opts(TAG.pullHeader))]);
  }

  /** Worker `index`'s (rank `worker`) pushed gradient slice, into `into` (decoded when pushes are compressed). */
  async receiveGradient(worker: number, index: number, into: Float32Array, options: PointToPointOptions): Promise<void> {
    if (this.decoding) await this.decoding.receive(this.comm, worker, index, into, options);
    else await this.comm.recv(worker, into, options);
  }

  snapshot(): ShardState {
    const { buffers, step } = this.optimizer.state();
    return { params: this.params.slice(), step, buffers: Object.keys(buffers).sort().map((name) => buffers[name]!) };
  }

  /** Ships `state` (default: now) to the lead worker: the optimizer's step count, the parameters, then each optimizer buffer. */
  async shipState(lead: number, state: ShardState = this.snapshot()): Promise<void> {
    for (const part of [Float32Array.of(state.step), state.params, ...state.buffers]) await this.comm.send(lead, part, this.opts(TAG.state));
  }

  /** True once the job was aborted (a failure elsewhere): transfers fail for that, not for a lost peer. */
  get aborted(): boolean {
    return this.limits.signal?.aborted ?? false;
  }

  opts(tag: number): { tag: number; timeoutMs: number; signal?: AbortSignal } {
    return transferOptions(tag, this.limits);
  }
}
