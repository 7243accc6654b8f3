/**
 * The global discrete-event clock of a virtual world: a priority queue of pending events, each a
 * rank that asked to act at a simulated time (`waitUntil`). Events run one at a time in order of
 * (time, rank, order of asking), so an asynchronous protocol whose ranks touch shared state only at
 * such events runs in simulated-time order, deterministically, whatever order the JS event loop
 * happens to run its promises in.
 *
 * The next event is released only when the world is at rest: every rank is waiting for an event
 * or for a message. Virtual ranks share one thread and move data by promises alone, so the world
 * is at rest exactly when no microtask is left, which is when a `setImmediate` callback runs; the
 * queue releases one event per such callback. (A rank that awaits real I/O or a timer in between
 * is not at rest, but the queue cannot tell: keep such waits out of event-ordered code.)
 */
import { LoomError } from '../../../util/errors.js';

interface PendingEvent {
  readonly time: number;
  readonly rank: number;
  readonly order: number;
  readonly resume: () => void;
}

export class EventQueue {
  private readonly heap: PendingEvent[] = [];
  private asked = 0;
  private releaseScheduled = false;
  private current = 0;

  /** `moveClock(rank, time)` sets a rank's clock to the time of its event as the event starts. */
  constructor(private readonly moveClock: (rank: number, time: number) => void) {}

  /** The time of the last event released (the world's present). */
  get now(): number {
    return this.current;
  }

  /** Events waiting to be released. */
  get pending(): number {
    return this.heap.length;
  }

  /**
   * Resolves when `time` is the earliest pending event of the world, with `rank`'s clock at `time`:
   * every event before it, of any rank, has run. An event in the past is an error (it would break
   * the order every other event was released in).
   */
  waitUntil(rank: number, time: number): Promise<void> {
    if (!(time >= this.current)) throw new LoomError(`rank ${rank} asked for an event at simulated time ${time} s, before the present ${this.current} s`);
    return new Promise<void>((resume) => {
      this.push({ time, rank, order: this.asked++, resume });
      this.scheduleRelease();
    });
  }

  private scheduleRelease(): void {
    if (this.releaseScheduled) return;
    this.releaseScheduled = true;
    setImmediate(() => {
      this.releaseScheduled = false;
      const next = this.pop();
      if (!next) return;
      this.current = next.time;
      this.moveClock(next.rank, next.time);
      next.resume();
      if (this.heap.length > 0) this.scheduleRelease();
    });
  }

  private push(event: PendingEvent): void {
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): PendingEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || last === undefined) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let first = i;
      if (left < heap.length && before(heap[left]!, heap[first]!)) first = left;
      if (right < heap.length && before(heap[right]!, heap[first]!)) first = right;
      if (first === i) return top;
      [heap[i], heap[first]] = [heap[first]!, heap[i]!];
      i = first;
    }
  }
}

function before(a: PendingEvent, b: PendingEvent): boolean {
  return a.time !== b.time ? a.time < b.time : a.rank !== b.rank ? a.rank < b.rank : a.order < b.order;
}
