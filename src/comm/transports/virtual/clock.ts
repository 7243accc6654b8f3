/**
 * Simulated time for virtual ranks. A message sent at the sender's time t arrives at
 * t + cost(from, to, bytes); the receive completes at max(receiver's time, arrival).
 * Ranks charge their own compute with `advance`. The cost function is the hook a later
 * simulator replaces (topology, contention); `alphaBetaCost` is the classic linear model.
 */
export type MessageCost = (from: number, to: number, bytes: number) => number;

export function alphaBetaCost(alphaSeconds: number, betaSecondsPerByte: number): MessageCost {
  return (_from, _to, bytes) => alphaSeconds + bytes * betaSecondsPerByte;
}

export class VirtualClock {
  private readonly times: Float64Array;

  constructor(size: number, readonly cost: MessageCost) {
    this.times = new Float64Array(size);
  }

  now(rank: number): number {
    return this.times[rank];
  }

  /** Charges `seconds` of local work to `rank`. */
  advance(rank: number, seconds: number): void {
    this.times[rank] += seconds;
  }

  arrivalTime(from: number, to: number, bytes: number): number {
    return this.times[from] + this.cost(from, to, bytes);
  }

  receivedAt(rank: number, arrival: number): void {
    if (arrival > this.times[rank]) this.times[rank] = arrival;
  }
}
