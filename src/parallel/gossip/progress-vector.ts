/**
 * How far an asynchronous decentralized job has come, known without a coordinator: every rank
 * keeps the step counts it has heard of (its own exact, the others' as last heard) and a stop
 * flag, and merges a peer's vector by element-wise maximum whenever they talk. The sum of the
 * counts over the ranks is a lower bound of the job's progress that every rank can act on: a rank
 * stops once its bound reaches the budget, and a peer that stops hands its vector on, so its
 * neighbours' bounds reach the budget too.
 */
export class ProgressVector {
  /** [count of rank 0, ..., count of rank n-1, stop flag]. */
  readonly values: Float32Array;

  constructor(private readonly ranks: number, startStep: number) {
    this.values = new Float32Array(ranks + 1).fill(startStep);
    this.values[ranks] = 0;
  }

  static length(ranks: number): number {
    return ranks + 1;
  }

  count(rank: number): number {
    return this.values[rank]!;
  }

  stepped(rank: number): void {
    this.values[rank]! += 1;
  }

  requestStop(): void {
    this.values[this.ranks] = 1;
  }

  get stopRequested(): boolean {
    return this.values[this.ranks]! > 0;
  }

  /** The job's steps as this rank knows them: the mean count over the ranks. */
  get globalSteps(): number {
    let sum = 0;
    for (let r = 0; r < this.ranks; r++) sum += this.values[r]!;
    return sum / this.ranks;
  }

  merge(heard: Float32Array): void {
    for (let i = 0; i <= this.ranks; i++) if (heard[i]! > this.values[i]!) this.values[i] = heard[i]!;
  }
}
