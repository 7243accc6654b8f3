/**
 * The threads transport's SharedArena (../../shared-arena.ts): one SharedArrayBuffer created with
 * the world's descriptor. Control words first, one 256-byte block per rank (each phase counter on a
 * cache line of its own, so that ranks polling one counter do not slow the rank writing another),
 * then 2 staging slots per rank.
 */
import { LoomError, PeerGoneError } from '../../../util/errors.js';
import type { ArenaOp, ArenaPhase, SharedArena } from '../../shared-arena.js';
import { waitForChange, type WaitControl } from './wait.js';

const RANK_WORDS = 64; // 256 bytes
const WORD: Readonly<Record<ArenaPhase, number>> = { staged: 0, reduced: 16, copied: 32 };
/** Beside `staged`, on its cache line: the staged collective's tag and byte length. */
const STAGED_TAG = 1;
const STAGED_BYTES = 2;
const CLOSED = 48;
/** The least a wait spins once spinning is allowed at all (what the message rings spin). */
const MIN_SPIN_MICROS = 20;

export function arenaBufferBytes(size: number, slotBytes: number): number {
  return controlBytes(size) + 2 * size * slotBytes;
}

export function checkArenaSlotBytes(slotBytes: number): void {
  if (!Number.isInteger(slotBytes) || slotBytes < 4096 || slotBytes % 64 !== 0) {
    throw new LoomError(`threads transport arena slot must be a multiple of 64 bytes and at least 4 KiB, got ${slotBytes}`);
  }
}

function controlBytes(size: number): number {
  return size * RANK_WORDS * 4;
}

export class ThreadsArena implements SharedArena {
  private readonly words: Int32Array;
  private readonly dataStart: number;
  private chunk = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private poisoned: Error | null = null;
  /** The spin of the next wait, microseconds: adapted between MIN_SPIN_MICROS and maxSpinMicros. */
  private spinMicros: number;

  constructor(
    readonly memory: SharedArrayBuffer,
    readonly rank: number,
    readonly size: number,
    readonly slotBytes: number,
    /** The most microseconds a wait spins before it yields to the event loop (0: never spin). */
    private readonly maxSpinMicros: number,
  ) {
    this.spinMicros = maxSpinMicros;
    this.words = new Int32Array(memory, 0, controlBytes(size) / 4);
    this.dataStart = controlBytes(size);
  }

  stagingOffset(rank: number, parity: number): number {
    return this.dataStart + (2 * rank + parity) * this.slotBytes;
  }

  exclusive<T>(body: () => Promise<T>): Promise<T> {
    const run = this.tail.then(() => {
      if (this.poisoned) throw this.poisoned;
      return body();
    });
    this.tail = run.catch(() => {});
    return run;
  }

  takeChunk(): number {
    this.chunk = (this.chunk + 1) | 0;
    return this.chunk;
  }

  publish(phase: ArenaPhase, chunk: number, op: ArenaOp): void {
    const base = this.rank * RANK_WORDS;
    if (phase === 'staged') {
      // Written before the counter: a peer that sees the counter sees these too.
      Atomics.store(this.words, base + STAGED_TAG, op.tag | 0);
      Atomics.store(this.words, base + STAGED_BYTES, op.byteLength | 0);
    }
    Atomics.store(this.words, base + WORD[phase], chunk);
    Atomics.notify(this.words, base + WORD[phase]);
  }

  async awaitRank(peer: number, phase: ArenaPhase, chunk: number, op: ArenaOp, signal: AbortSignal): Promise<void> {
    const index = peer * RANK_WORDS + WORD[phase];
    const control = { spinMicros: 0, stopped: () => this.stopped(), signal, aborted: () => signal.reason as Error } satisfies WaitControl;
    for (let seen = Atomics.load(this.words, index); ((seen - chunk) | 0) < 0; seen = Atomics.load(this.words, index)) {
      control.spinMicros = this.spinMicros;
      this.adaptSpin(await waitForChange(this.words, index, seen, control));
    }
    // A peer at this chunk cannot be past it here (it waits for this rank's next phase first), so
    // the words beside its counter describe this chunk's collective.
    if (phase === 'staged') this.checkSameCollective(peer, op);
  }

  poison(error: Error): void {
    this.poisoned ??= error;
  }

  /** Marks this rank's end closed and wakes every rank waiting on the arena. */
  close(): void {
    Atomics.store(this.words, this.rank * RANK_WORDS + CLOSED, 1);
    for (let r = 0; r < this.size; r++) for (const word of Object.values(WORD)) Atomics.notify(this.words, r * RANK_WORDS + word);
  }

  /**
   * Spin longer after a wait that spinning ended, shorter after one that had to yield, as an
   * adaptive mutex does: where the peers run on cores of their own a spin catches them within
   * microseconds, but where the machine time-slices this rank's core with a peer's, spinning only
   * delays the peer it waits for, and the spin falls to its floor within a few waits.
   */
  private adaptSpin(caughtWhileSpinning: boolean): void {
    if (this.maxSpinMicros === 0) return;
    this.spinMicros = caughtWhileSpinning ? Math.min(this.maxSpinMicros, this.spinMicros * 2) : Math.max(MIN_SPIN_MICROS, this.spinMicros / 2);
  }

  private stopped(): Error | null {
    if (this.poisoned) return this.poisoned;
    for (let r = 0; r < this.size; r++) {
      if (Atomics.load(this.words, r * RANK_WORDS + CLOSED) !== 0) {
        return r === this.rank ? new LoomError(`threads transport of rank ${this.rank} is closed`) : new PeerGoneError(`rank ${r} closed its threads transport`);
      }
    }
    return null;
  }

  private checkSameCollective(peer: number, op: ArenaOp): void {
    const base = peer * RANK_WORDS;
    const tag = Atomics.load(this.words, base + STAGED_TAG) >>> 0;
    const bytes = Atomics.load(this.words, base + STAGED_BYTES) >>> 0;
    if (tag !== op.tag >>> 0) {
      throw new LoomError(`rank ${peer} is in another collective (do all ranks call the same collectives in the same order?)`);
    }
    if (bytes !== op.byteLength >>> 0) {
      throw new LoomError(`rank ${peer} passed ${bytes} bytes where this rank passed ${op.byteLength} (do all ranks pass buffers of the same length?)`);
    }
  }
}
