/**
 * Simulated time for virtual ranks. A message sent at the sender's time t arrives at
 * t + cost(from, to, bytes); the receive completes at max(receiver's time, arrival).
 * Ranks charge their own compute with `advance`. The cost function is the hook a later
 * simulator replaces (topology); `alphaBetaCost` is the classic linear model.
 *
 * Links queue: the size-dependent part of a message's cost, cost(bytes) - cost(0), occupies the
 * directed link from -> to, so messages sent at once on one link (concurrent gradient buckets, say)
 * are transmitted one after another; the latency part, cost(0), overlaps (as on a real pipe).
 *
 * Each rank has two lanes: its compute lane (lane 0, what `now` reports) and a communication lane
 * (lane 1), the clock of a thread that only communicates. Both lanes of a rank share its links, so
 * what the communication thread sends queues behind what the rank itself sends and vice versa.
 */
export type MessageCost = (from: number, to: number, bytes: number) => number;

export function alphaBetaCost(alphaSeconds: number, betaSecondsPerByte: number): MessageCost {
  return (_from, _to, bytes) => alphaSeconds + bytes * betaSecondsPerByte;
}

/** A rank's clock lanes: its own (compute) and its communication thread's. */
export const COMPUTE_LANE = 0;
export const COMM_LANE = 1;
const LANES = 2;

export class VirtualClock {
  /** Time of lane l of rank r at l * size + r. */
  private readonly times: Float64Array;
  /** When each directed link (from * size + to) finishes transmitting what it was given. */
  private readonly linkFree: Float64Array;

  constructor(private readonly size: number, readonly cost: MessageCost) {
    this.times = new Float64Array(size * LANES);
    this.linkFree = new Float64Array(size * size);
  }

  now(rank: number, lane = COMPUTE_LANE): number {
    return this.times[lane * this.size + rank];
  }

  /** Charges `seconds` of local work to `rank`. */
  advance(rank: number, seconds: number, lane = COMPUTE_LANE): void {
    this.times[lane * this.size + rank] += seconds;
  }

  /** Arrival time of a message sent now by lane `lane` of `from`; queues it on its link (call once per message). */
  arrivalTime(from: number, to: number, bytes: number, lane = COMPUTE_LANE): number {
    const latency = this.cost(from, to, 0);
    const link = from * this.size + to;
    const start = Math.max(this.times[lane * this.size + from], this.linkFree[link]);
    const transmitted = start + this.cost(from, to, bytes) - latency;
    this.linkFree[link] = transmitted;
    return transmitted + latency;
  }

  /** Moves lane `lane` of `rank` to `arrival` unless it is already later. */
  receivedAt(rank: number, arrival: number, lane = COMPUTE_LANE): void {
    const at = lane * this.size + rank;
    if (arrival > this.times[at]) this.times[at] = arrival;
  }
}
