/**
 * Byte, message and time accounting of a communicator: totals and one record per operation
 * name (e.g. "allReduce:ring", "broadcast", "send"). Seconds are the transport's clock (wall time,
 * or simulated time on a virtual transport); concurrent operations each count their own time.
 */
export interface TrafficStats {
  calls: number;
  seconds: number;
  bytesSent: number;
  bytesReceived: number;
  messagesSent: number;
  messagesReceived: number;
}

export interface CommStatsSnapshot extends TrafficStats {
  byOp: Record<string, TrafficStats>;
}

const zero = (): TrafficStats => ({ calls: 0, seconds: 0, bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0 });

export class CommStats {
  private total = zero();
  private byOp = new Map<string, TrafficStats>();

  /** The record for one operation name; counts go to it and to the totals. */
  recorder(op: string): TrafficRecorder {
    let record = this.byOp.get(op);
    if (!record) this.byOp.set(op, (record = zero()));
    return new TrafficRecorder([this.total, record]);
  }

  snapshot(): CommStatsSnapshot {
    return { ...this.total, byOp: Object.fromEntries([...this.byOp].map(([op, s]) => [op, { ...s }])) };
  }

  reset(): void {
    this.total = zero();
    this.byOp = new Map();
  }
}

export class TrafficRecorder {
  constructor(private readonly records: readonly TrafficStats[]) {}

  sent(bytes: number): void {
    for (const r of this.records) {
      r.bytesSent += bytes;
      r.messagesSent++;
    }
  }

  received(bytes: number): void {
    for (const r of this.records) {
      r.bytesReceived += bytes;
      r.messagesReceived++;
    }
  }

  finished(seconds: number): void {
    for (const r of this.records) {
      r.calls++;
      r.seconds += seconds;
    }
  }
}
