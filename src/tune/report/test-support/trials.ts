/** Hand-made trials for the report tests, and the few facts the tests read back out of an SVG. */
import type { Distribution, ParamValue } from '../../space/distribution.js';
import type { FrozenTrial, TrialState } from '../../study/trial.js';

export interface TrialSpec {
  readonly state?: TrialState;
  readonly value?: number | null;
  readonly params?: Record<string, ParamValue>;
  readonly distributions?: Record<string, Distribution>;
  /** [step, value] reports, in report order. */
  readonly reports?: readonly (readonly [number, number])[];
}

export function makeTrial(number: number, spec: TrialSpec = {}): FrozenTrial {
  const state = spec.state ?? 'complete';
  return {
    id: 100 + number,
    number,
    state,
    params: spec.params ?? {},
    distributions: spec.distributions ?? {},
    value: spec.value ?? null,
    intermediate: new Map(spec.reports ?? []),
    attrs: {},
    startedAt: Date.UTC(2024, 0, 1, 0, 0, number),
    finishedAt: state === 'running' || state === 'waiting' ? null : Date.UTC(2024, 0, 1, 0, 0, number) + 1500,
    heartbeatAt: 0,
  };
}

/** The attributes of every `<tag ...>` in svg (optionally only those of a class), in document order. */
export function elements(svg: string, tag: string, className?: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  for (const m of svg.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'g'))) {
    const attrs: Record<string, string> = {};
    for (const a of m[1]!.matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1]!] = a[2]!;
    if (className === undefined || attrs.class === className) found.push(attrs);
  }
  return found;
}

/** The text of every `<text>` element (optionally only those of a class). */
export function texts(svg: string, className?: string): string[] {
  return [...svg.matchAll(/<text\b([^>]*)>([^<]*)<\/text>/g)].filter((m) => className === undefined || m[1]!.includes(`class="${className}"`)).map((m) => m[2]!);
}

/** "x,y x,y ..." as pairs of numbers. */
export const pointsOf = (points: string): [number, number][] => points.trim().split(/\s+/).map((p) => p.split(',').map(Number) as [number, number]);
