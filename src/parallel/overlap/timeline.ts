/**
 * A per-step timeline of one rank: its compute (with `overlap`, each layer's forward and backward
 * and the waits for parameters) and its communication (each unit's all-reduce), in seconds on the
 * rank's clock. Written as Chrome's Trace Event Format, which Perfetto (ui.perfetto.dev) and
 * chrome://tracing plot; `loom timeline` draws it as an SVG.
 */
import { LoomError, showValue } from '../../util/errors.js';
import { writeFileAtomic } from '../../util/atomic-file.js';

export const TIMELINE_LANES = ['compute', 'comm'] as const;
export type TimelineLane = (typeof TIMELINE_LANES)[number];

export interface TimelineEvent {
  readonly step: number;
  readonly lane: TimelineLane;
  /** e.g. `forward fc1`, `backward`, `wait fc1`, `allreduce 3 (fc2)`. */
  readonly name: string;
  /** Seconds on the rank's clock. */
  readonly start: number;
  readonly end: number;
}

export class StepTimeline {
  private readonly recorded: TimelineEvent[] = [];
  private written = false;

  /** Records the events of steps below `steps` (0-based step index); `path`: where `stepDone` writes them. */
  constructor(readonly rank: number, readonly steps: number, private readonly path: string | null = null) {}

  wants(step: number): boolean {
    return step < this.steps;
  }

  record(event: TimelineEvent): void {
    if (this.wants(event.step) && event.end > event.start) this.recorded.push(event);
  }

  get events(): readonly TimelineEvent[] {
    return this.recorded;
  }

  /** Chrome Trace Event Format: one process per rank, one thread per lane, times in microseconds. */
  traceJson(): string {
    const names = TIMELINE_LANES.map((lane, tid) => ({ name: 'thread_name', ph: 'M', pid: this.rank, tid, args: { name: lane } }));
    const spans = this.recorded.map((e) => ({
      name: e.name,
      cat: e.lane,
      ph: 'X',
      ts: e.start * 1e6,
      dur: (e.end - e.start) * 1e6,
      pid: this.rank,
      tid: TIMELINE_LANES.indexOf(e.lane),
      args: { step: e.step },
    }));
    return JSON.stringify({ displayTimeUnit: 'ms', traceEvents: [...names, ...spans] });
  }

  write(path: string): void {
    writeFileAtomic(path, Buffer.from(this.traceJson()));
  }

  /** After a step: the file is written once the last recorded step is done (writing costs milliseconds a step). */
  stepDone(step: number): void {
    if (step === this.steps - 1) this.finish();
  }

  /** At the end of the run (which may end before `steps`): writes the file unless it was. */
  finish(): void {
    if (this.path && !this.written) this.write(this.path);
    this.written = true;
  }
}

/** The events of a trace written by `StepTimeline.write`, with a one-line error for anything else. */
export function parseTimeline(text: string, source: string): TimelineEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new LoomError(`${source} is not JSON: ${(err as Error).message}`);
  }
  const events = (parsed as { traceEvents?: unknown })?.traceEvents;
  if (!Array.isArray(events)) throw new LoomError(`${source} has no traceEvents array: not a timeline Loom wrote`);
  const out: TimelineEvent[] = [];
  for (const e of events as Record<string, unknown>[]) {
    if (e?.ph !== 'X') continue;
    const lane = TIMELINE_LANES[e.tid as number];
    const step = (e.args as { step?: unknown } | undefined)?.step;
    if (!lane || typeof e.name !== 'string' || typeof e.ts !== 'number' || typeof e.dur !== 'number' || typeof step !== 'number' || !(e.dur >= 0)) {
      throw new LoomError(`${source}: malformed timeline event ${showValue(e)}`);
    }
    out.push({ step, lane, name: e.name, start: e.ts / 1e6, end: (e.ts + e.dur) / 1e6 });
  }
  return out;
}
