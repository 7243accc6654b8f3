/**
 * A run's learning curve, recorded from its metrics stream: at every evaluation, the test accuracy
 * with the step, the seconds since training started (simulated in virtual mode) and the bytes
 * rank 0 had sent so far (the sum of its per-step traffic).
 */
import type { MetricsStream } from '../../train/metrics.js';

export interface CurvePoint {
  readonly step: number;
  readonly accuracy: number;
  readonly seconds: number;
  readonly bytesSent: number;
}

export class CurveRecorder {
  readonly points: CurvePoint[] = [];
  /** True once a step's times came from a virtual clock. */
  simulated = false;
  private bytesSent = 0;

  constructor(metrics: MetricsStream) {
    metrics.on('step', (record) => {
      if (!record.timing) return;
      this.bytesSent += record.timing.bytesSent;
      this.simulated ||= record.timing.simulated;
    });
    metrics.on('eval', (record) => this.points.push({ step: record.step, accuracy: record.accuracy, seconds: record.elapsedSec, bytesSent: this.bytesSent }));
  }
}
