/**
 * Simulated time for virtual ranks. A message sent at the sender's time t arrives at
 * t + cost(from, to, bytes); the receive completes at max(receiver's time, arrival).
 * Ranks charge their own compute with `advance`. The cost function is the hook a later
 * simulator replaces (topology); `alphaBetaCost` is the classic linear model.
 *
 * Links queue: the size-dependent part of a message's cost, cost(bytes) - cost(0), occupies the
 * directed link from -> to, so messages sent at once on one link (concurrent gradient buckets, say)
 * are transmitted one after another; the latency part, cost(0), overlaps (as on a real pipe).
 */
export type MessageCost = (from: number, to: number, bytes: number) => number;

export function alphaBetaCost(alphaSeconds: number, betaSecondsPerByte: number): MessageCost {
  return (_from, _to, bytes) => alphaSeconds + bytes * betaSecondsPerByte;
}

export class VirtualClock {
  private readonly times: Float64Array;
  /** When each directed link (from * size + to) finishes transmitting what it was given. */
  private readonly linkFree: Float64Array;

  constructor(private readonly size: number, readonly cost: MessageCost) {
    this.times = new Float64Array(size);
    this.linkFree = new Float64Array(size * size);
  }

  now(rank: number): number {
    return this.times[rank];
  }

  /** Charges `seconds` of local work to `rank`. */
  advance(rank: number, seconds: number): void {
    this.times[rank] += seconds;
  }

  /** Arrival time of a message sent now by `from`; queues it on its link (call once per message). */
  arrivalTime(from: number, to: number, bytes: number): number {
    const latency = this.cost(from, to, 0);
    const link = from * this.size + to;
    const start = Math.max(this.times[from], this.linkFree[link]);
    const transmitted = start + this.cost(from, to, bytes) - latency;
    this.linkFree[link] = transmitted;
    return transmitted + latency;
  }

  receivedAt(rank: number, arrival: number): void {
    if (arrival > this.times[rank]) this.times[rank] = arrival;
  }
}
