/**
 * The closing table of a data-parallel run: where each rank's time went (local compute, waiting
 * for the slowest rank, communication proper) and how many bytes it moved.
 */
import type { RunTiming } from '../train/trainer.js';
import { alignedTable } from './text-table.js';

const MB = 1e6;

export function formatTimingTable(timings: readonly RunTiming[]): string {
  const simulated = timings.some((t) => t.simulated);
  const roles = timings.some((t) => t.role !== undefined && t.role !== 'worker');
  const unit = simulated ? 'sim s' : 's';
  const header = ['rank', ...(roles ? ['role'] : []), 'steps', `compute ${unit}`, `comm ${unit}`, `wait ${unit}`, 'sent MB', 'recv MB', 'comm share'];
  const rows = timings.map((t) => {
    const busy = t.computeSec + t.commSec + t.waitSec;
    return [
      String(t.rank),
      ...(roles ? [t.role ?? 'worker'] : []),
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
  if (roles) lines.push("(a server's steps are the updates it applied)");
  if (simulated) lines.push('(times are simulated: virtual clock, alpha-beta network model)');
  return lines.join('\n');
}
