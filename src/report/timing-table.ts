/**
 * The closing table of a data-parallel run: where each rank's time went (local compute, waiting
 * for the slowest rank, communication proper) and how many bytes it moved.
 */
import type { RunTiming } from '../train/trainer.js';
import { alignedTable } from './text-table.js';

const MB = 1e6;

export function formatTimingTable(timings: readonly RunTiming[]): string {
  const simulated = timings.some((t) => t.simulated);
  const unit = simulated ? 'sim s' : 's';
  const header = ['rank', 'steps', `compute ${unit}`, `comm ${unit}`, `wait ${unit}`, 'sent MB', 'recv MB', 'comm share'];
  const rows = timings.map((t) => {
    const busy = t.computeSec + t.commSec + t.waitSec;
    return [
      String(t.rank),
      String(t.steps),
      t.computeSec.toFixed(3),
      t.commSec.toFixed(3),
      t.waitSec.toFixed(3),
      (t.bytesSent / MB).toFixed(2),
      (t.bytesReceived / MB).toFixed(2),
      busy > 0 ? `${((100 * (t.commSec + t.waitSec)) / busy).toFixed(1)}%` : '-',
    ];
  });
  const lines = alignedTable(header, rows);
  if (simulated) lines.push('(times are simulated: virtual clock, alpha-beta network model)');
  return lines.join('\n');
}
