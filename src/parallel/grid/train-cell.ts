/**
 * Trains one grid cell's config here, in its execution mode, and keeps what the report needs. A
 * run that diverges (its loss turns NaN or infinite) is a result, not a failure: it counts as
 * accuracy 0, with its curve up to the divergence.
 */
import type { LoomConfig } from '../../config/schema.js';
import { MetricsStream } from '../../train/metrics.js';
import { LoomError } from '../../util/errors.js';
import { runDataParallel } from '../launch/index.js';
import { CurveRecorder, type CurvePoint } from './curve.js';

export interface TrainedCell {
  /** Final test accuracy (0 when the run diverged). */
  readonly accuracy: number;
  readonly diverged: boolean;
  readonly curve: readonly CurvePoint[];
  /** True when the curve's seconds are simulated (virtual mode). */
  readonly simulated: boolean;
  readonly wallSec: number;
}

export async function trainCell(config: LoomConfig): Promise<TrainedCell> {
  const metrics = new MetricsStream();
  const curve = new CurveRecorder(metrics);
  const started = performance.now();
  let accuracy = 0;
  let diverged = false;
  try {
    const results = await runDataParallel({ config, metrics });
    accuracy = results[0]!.evaluation?.accuracy ?? curve.points.at(-1)?.accuracy ?? 0;
  } catch (error) {
    if (!(error instanceof LoomError && /training diverged/.test(error.message))) throw error;
    diverged = true;
  }
  return { accuracy, diverged, curve: curve.points, simulated: curve.simulated || config.distributed.mode === 'virtual', wallSec: (performance.now() - started) / 1000 };
}
