/**
 * A run's learning curve, recorded from its metrics stream: at every evaluation, the test accuracy
 * and loss with the step, the seconds since training started (simulated in virtual mode), the bytes rank 0
 * had sent so far (the sum of its per-step traffic) and, where the strategy measures it at that
 * step (gossip), the consensus distance of the ranks' models.
 */
import type { MetricsStream } from '../../train/metrics.js';

export interface CurvePoint {
  readonly step: number;
  readonly accuracy: number;
  /** Test loss (per token for sequence models); absent in results written before it was recorded. */
  readonly loss?: number;
  readonly seconds: number;
  readonly bytesSent: number;
  readonly consensusDistance?: number;
}

export class CurveRecorder {
  readonly points: CurvePoint[] = [];
  /** True once a step's times came from a virtual clock. */
  simulated = false;
  private bytesSent = 0;
  /** The consensus distance of the last step record that carried one, and its step. */
  private consensus: { step: number; distance: number } | null = null;

  constructor(metrics: MetricsStream) {
    metrics.on('step', (record) => {
      if (record.consensusDistance !== undefined) this.consensus = { step: record.step, distance: record.consensusDistance };
      if (!record.timing) return;
      this.bytesSent += record.timing.bytesSent;
      this.simulated ||= record.timing.simulated;
    });
    metrics.on('eval', (record) => {
      const measured = this.consensus?.step === record.step ? { consensusDistance: this.consensus.distance } : {};
      this.points.push({ step: record.step, accuracy: record.accuracy, loss: record.loss, seconds: record.elapsedSec, bytesSent: this.bytesSent, ...measured });
    });
  }
}
