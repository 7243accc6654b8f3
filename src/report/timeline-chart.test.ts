import { describe, expect, it } from 'vitest';
import { parseTimeline, StepTimeline, type TimelineEvent } from '../parallel/index.js';
import { stepOverlaps, timelineChart } from './timeline-chart.js';

const event = (step: number, lane: TimelineEvent['lane'], name: string, start: number, end: number): TimelineEvent => ({ step, lane, name, start, end });

// Step 0: forward 0-1, backward 1-3; units 2-4 and 4-5. Step 1: waits 3-5, forward 5-6.
const events = [
  event(0, 'compute', 'forward a', 0, 1),
  event(0, 'compute', 'backward a', 1, 3),
  event(0, 'comm', 'allreduce 1 (b)', 2, 4),
  event(0, 'comm', 'allreduce 0 (a)', 4, 5),
  event(1, 'compute', 'wait a', 3, 5),
  event(1, 'compute', 'forward a', 5, 6),
];

describe('stepOverlaps', () => {
  it('sums each lane and the share of communication that ran while compute was busy', () => {
    const [first, second] = stepOverlaps(events);
    expect(first).toEqual({ step: 0, computeMs: 3000, waitMs: 0, commMs: 3000, overlapped: 1 / 3 });
    expect(second).toEqual({ step: 1, computeMs: 1000, waitMs: 2000, commMs: 0, overlapped: 0 });
  });
});

describe('a timeline file', () => {
  it('round-trips through the Chrome trace format and draws one bar per event', () => {
    const timeline = new StepTimeline(0, 2);
    for (const e of events) timeline.record(e);
    timeline.record(event(2, 'compute', 'forward a', 6, 7)); // beyond the recorded steps
    const parsed = parseTimeline(timeline.traceJson(), 'trace');
    expect(parsed).toHaveLength(events.length);
    expect(parsed[2]).toEqual(events[2]);
    const svg = timelineChart(parsed, 'title');
    expect(svg.match(/<rect [^>]*><title>step/g)).toHaveLength(events.length);
  });
  it('names what is wrong with a file that is not a timeline', () => {
    expect(() => parseTimeline('{', 'x.json')).toThrow(/^x\.json is not JSON/);
    expect(() => parseTimeline('{"a":1}', 'x.json')).toThrow('x.json has no traceEvents array: not a timeline Loom wrote');
    expect(() => parseTimeline('{"traceEvents":[{"ph":"X","tid":7}]}', 'x.json')).toThrow(/^x\.json: malformed timeline event/);
  });
});
