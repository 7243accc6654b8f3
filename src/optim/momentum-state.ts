/** The state SGD and LARS keep: a momentum buffer (none without momentum) and the step count. */
import type { OptimizerState } from './optimizer.js';
import { restoreState, snapshotState } from './state.js';

export class MomentumState {
  /** Null when momentum is 0 (the rule keeps no buffer then). */
  readonly buffer: Float32Array | null;
  /** Number of steps applied. */
  steps = 0;

  constructor(readonly kind: string, length: number, momentum: number) {
    this.buffer = momentum > 0 ? new Float32Array(length) : null;
  }

  state(): OptimizerState {
    return snapshotState(this.kind, this.steps, this.buffers());
  }

  loadState(state: OptimizerState): void {
    this.steps = restoreState(this.kind, state, this.buffers());
  }

  private buffers(): Record<string, Float32Array> {
    return this.buffer === null ? {} : { momentum: this.buffer };
  }
}
