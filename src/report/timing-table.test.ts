import { describe, expect, it } from 'vitest';
import { formatTimingTable } from './timing-table.js';

describe('formatTimingTable', () => {
  it('shows each rank with its time split and bytes, and labels simulated times', () => {
    const row = { workers: 2, steps: 10, computeSec: 1.5, commSec: 0.25, waitSec: 0.25, bytesSent: 2_000_000, bytesReceived: 3_000_000, simulated: true };
    const text = formatTimingTable([{ ...row, rank: 0 }, { ...row, rank: 1, waitSec: 0 }]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^rank\s+steps\s+compute sim s\s+comm sim s\s+wait sim s\s+sent MB\s+recv MB\s+comm share$/);
    expect(lines[2].split(/\s+/)).toEqual(['0', '10', '1.500', '0.250', '0.250', '2.00', '3.00', '25.0%']);
    expect(lines[3].split(/\s+/)).toEqual(['1', '10', '1.500', '0.250', '0.000', '2.00', '3.00', '14.3%']);
    expect(lines[4]).toMatch(/simulated/);
  });

  it("names each rank's role where a strategy has several", () => {
    const row = { workers: 2, computeSec: 1, commSec: 1, waitSec: 0, bytesSent: 1e6, bytesReceived: 1e6, simulated: false };
    const text = formatTimingTable([
      { ...row, rank: 0, steps: 5, role: 'worker' },
      { ...row, rank: 1, steps: 10, role: 'server', computeSec: 0, commSec: 0 },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^rank\s+role\s+steps\s+compute s/);
    expect(lines[2].split(/\s+/)).toEqual(['0', 'worker', '5', '1.000', '1.000', '0.000', '1.00', '1.00', '50.0%']);
    expect(lines[3].split(/\s+/)).toEqual(['1', 'server', '10', '0.000', '0.000', '0.000', '1.00', '1.00', '-']);
    expect(lines[4]).toBe("(a server's steps are the updates it applied)");
  });
});
