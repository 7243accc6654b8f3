/**
 * A ReducingLink for any element type and reduction: `recvReduce` receives the message into a
 * scratch array, then combines it into the destination. (Float32 sum does not come here: the
 * OpContext lets the transport add it as the bytes arrive.)
 */
import type { CommArray, ElementArray } from './element-types.js';
import type { Reducer } from './kernels/reductions.js';
import type { ReducingLink } from './link.js';
import type { OpContext } from './op-context.js';

export class CombiningLink<T extends ElementArray<T> & CommArray> implements ReducingLink<T> {
  readonly rank: number;
  readonly size: number;
  /** Reused across receives; a receive that finds it in use (none of ours do) copies its own. */
  private scratch: T | null = null;
  private scratchBusy = false;

  constructor(
    private readonly ctx: OpContext,
    private readonly reducer: Reducer<T>,
  ) {
    this.rank = ctx.rank;
    this.size = ctx.size;
  }

  send(to: number, data: T): Promise<void> {
    return this.ctx.send(to, data);
  }

  recv(from: number, into: T): Promise<void> {
    return this.ctx.recv(from, into);
  }

  now(): number {
    return this.ctx.now();
  }

  async recvReduce(from: number, into: T): Promise<void> {
    const owned = !this.scratchBusy;
    // slice() gives an array of T's own type and length; its contents are overwritten by the receive.
    if (owned && (this.scratch === null || this.scratch.length < into.length)) this.scratch = into.slice();
    const message = owned && this.scratch ? this.scratch.subarray(0, into.length) : into.slice();
    if (owned) this.scratchBusy = true;
    try {
      await this.ctx.recv(from, message);
      this.reducer.combine(into, message);
    } finally {
      if (owned) this.scratchBusy = false;
    }
  }
}
