/**
 * A step timeline (parallel/overlap/timeline.ts) drawn as a Gantt chart, one row per lane
 * (compute, communication), and summed per step: how long each lane was busy (the union of its
 * spans: plain DDP's buckets are in flight at once), how long the compute waited for parameters,
 * and how much of the communication ran while compute was busy.
 */
import type { TimelineEvent } from '../parallel/index.js';
import { emptyChart, escapeXml, formatNumber, px, scale, svgOpen } from './svg.js';

export interface StepOverlap {
  readonly step: number;
  readonly computeMs: number;
  readonly waitMs: number;
  readonly commMs: number;
  /** The share of communication time during which the rank was computing (not waiting). */
  readonly overlapped: number;
}

const isWait = (e: TimelineEvent): boolean => e.name.startsWith('wait');

type Span = readonly [start: number, end: number];

/** The spans' union as disjoint spans in order (plain DDP's buckets are in flight at once). */
function union(events: readonly TimelineEvent[]): Span[] {
  const sorted = events.map((e): Span => [e.start, e.end]).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = out.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

const length = (spans: readonly Span[]): number => spans.reduce((t, [a, b]) => t + (b - a), 0);

/** Length of the intersection of two lists of disjoint spans. */
function intersection(spans: readonly Span[], others: readonly Span[]): number {
  let total = 0;
  for (const [a0, a1] of spans) for (const [b0, b1] of others) total += Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
  return total;
}

export function stepOverlaps(events: readonly TimelineEvent[]): StepOverlap[] {
  const steps = [...new Set(events.map((e) => e.step))].sort((a, b) => a - b);
  // Every step's compute, once: the next step's counts too (priority scheduling overlaps it with this step's tail).
  const busy = union(events.filter((e) => e.lane === 'compute' && !isWait(e)));
  return steps.map((step) => {
    const own = events.filter((e) => e.step === step);
    const comm = union(own.filter((e) => e.lane === 'comm'));
    const commSec = length(comm);
    return {
      step,
      computeMs: 1e3 * length(union(own.filter((e) => e.lane === 'compute' && !isWait(e)))),
      waitMs: 1e3 * length(union(own.filter(isWait))),
      commMs: 1e3 * commSec,
      overlapped: commSec > 0 ? intersection(comm, busy) / commSec : 0,
    };
  });
}

const WIDTH = 900;
const ROW = 34;
const LEFT = 100;
const RIGHT = WIDTH - 20;
const TOP = 40;

function colour(e: TimelineEvent, unitIndex: number): string {
  if (isWait(e)) return '#dddddd';
  if (e.name.startsWith('forward')) return '#1f77b4';
  if (e.name.startsWith('backward')) return '#ff7f0e';
  return unitIndex % 2 === 0 ? '#2ca02c' : '#98df8a';
}

export function timelineChart(events: readonly TimelineEvent[], title: string): string {
  const height = TOP + 2 * ROW + 60;
  if (events.length === 0) return emptyChart(WIDTH, height, title, 'no events recorded');
  const t0 = Math.min(...events.map((e) => e.start));
  const t1 = Math.max(...events.map((e) => e.end));
  const x = scale([0, (t1 - t0) * 1e3], [LEFT, RIGHT]);
  const out = [svgOpen(WIDTH, height)];
  out.push(`<text class="title" x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`);
  const rowY = (lane: TimelineEvent['lane']): number => TOP + (lane === 'compute' ? 0 : ROW);
  out.push(`<text x="${LEFT - 6}" y="${TOP + ROW / 2 + 4}" text-anchor="end">compute</text>`);
  out.push(`<text x="${LEFT - 6}" y="${TOP + ROW + ROW / 2 + 4}" text-anchor="end">communication</text>`);
  for (const t of x.ticks) {
    out.push(`<line x1="${px(x.map(t))}" y1="${TOP}" x2="${px(x.map(t))}" y2="${TOP + 2 * ROW}" stroke="#eee"/>`);
    out.push(`<text x="${px(x.map(t))}" y="${TOP + 2 * ROW + 15}" text-anchor="middle">${formatNumber(t)}</text>`);
  }
  out.push(`<text x="${(LEFT + RIGHT) / 2}" y="${TOP + 2 * ROW + 34}" text-anchor="middle">milliseconds (steps alternate shades of the same colours)</text>`);
  let unit = 0;
  for (const e of events) {
    const left = x.map((e.start - t0) * 1e3);
    const width = Math.max(0.5, x.map((e.end - t0) * 1e3) - left);
    const fill = colour(e, e.lane === 'comm' ? unit++ : 0);
    const opacity = e.step % 2 === 0 ? 1 : 0.7;
    out.push(
      `<rect x="${px(left)}" y="${rowY(e.lane) + 4}" width="${px(width)}" height="${ROW - 8}" fill="${fill}" fill-opacity="${opacity}" stroke="#fff" stroke-width="0.5"><title>${escapeXml(`step ${e.step}: ${e.name}, ${formatNumber((e.end - e.start) * 1e3)} ms`)}</title></rect>`,
    );
  }
  const legend = [
    ['forward', '#1f77b4'],
    ['backward', '#ff7f0e'],
    ['waiting for parameters', '#dddddd'],
    ['all-reduce of a unit', '#2ca02c'],
  ];
  legend.forEach(([name, fill], i) => {
    const lx = LEFT + i * 190;
    out.push(`<rect x="${lx}" y="${height - 14}" width="10" height="10" fill="${fill}"/><text x="${lx + 14}" y="${height - 5}">${name}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}
