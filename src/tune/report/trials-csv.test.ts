/** The trial CSV: full precision, one column per parameter, quoted where needed. */
import { describe, expect, it } from 'vitest';
import { makeTrial } from './test-support/trials.js';
import { trialsCsv } from './trials-csv.js';

describe('trials.csv', () => {
  it('writes a row per trial in number order with every parameter', () => {
    const csv = trialsCsv([
      makeTrial(1, { state: 'pruned', params: { lr: 0.1, note: 'a "b", c' }, reports: [[1, 0.5], [3, 0.25]] }),
      makeTrial(0, { value: 0.123456789012, params: { lr: 0.001, width: 64 } }),
      makeTrial(2, { state: 'running', params: { lr: 1 } }),
    ]).split('\n');
    expect(csv[0]).toBe('trial,state,value,last_step,reports,started,finished,duration_s,lr,note,width');
    expect(csv[1]).toBe('0,complete,0.123456789012,,0,2024-01-01T00:00:00.000Z,2024-01-01T00:00:01.500Z,1.5,0.001,,64');
    expect(csv[2]).toBe('1,pruned,,3,2,2024-01-01T00:00:01.000Z,2024-01-01T00:00:02.500Z,1.5,0.1,"a ""b"", c",');
    expect(csv[3]).toBe('2,running,,,0,2024-01-01T00:00:02.000Z,,,1,,');
    expect(csv).toHaveLength(5); // and a final newline
  });
});
