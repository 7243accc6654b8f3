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
});
