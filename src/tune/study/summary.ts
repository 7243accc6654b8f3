/** What `loom tune status` prints: trial counts by state, the best trial, and the trial table. */
import type { ParamValue } from '../space/distribution.js';
import { lossOf, type Direction, type FrozenTrial, type TrialState } from './trial.js';

const STATES: readonly TrialState[] = ['complete', 'pruned', 'failed', 'running', 'paused', 'waiting'];

export interface StudySummary {
  readonly name: string;
  readonly direction: Direction;
  readonly trials: number;
  readonly byState: Readonly<Record<TrialState, number>>;
  readonly best: FrozenTrial | null;
}

export function summarize(name: string, direction: Direction, trials: readonly FrozenTrial[]): StudySummary {
  const byState = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<TrialState, number>;
  let best: FrozenTrial | null = null;
  for (const trial of trials) {
    byState[trial.state]++;
    if (trial.state === 'complete' && trial.value !== null && (best === null || lossOf(direction, trial.value) < lossOf(direction, best.value as number))) best = trial;
  }
  return { name, direction, trials: trials.length, byState, best };
}

const show = (v: ParamValue): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v));

/** One line: "branin (minimize): 100 trials — 98 complete, 2 pruned; best 0.3981 (trial 57: x1=3.14, x2=2.27)". */
export function summaryLine(s: StudySummary): string {
  const counts = STATES.filter((state) => s.byState[state] > 0).map((state) => `${s.byState[state]} ${state}`);
  const best = s.best
    ? `; best ${show(s.best.value as number)} (trial ${s.best.number}: ${Object.entries(s.best.params).map(([k, v]) => `${k}=${show(v)}`).join(', ')})`
    : '; no complete trial yet';
  return `${s.name} (${s.direction}): ${s.trials} trials${counts.length ? ` — ${counts.join(', ')}` : ''}${best}`;
}

/**
 * What `loom tune run --plain` prints as a trial ends its run: "trial 7 complete 0.8814", "trial 3
 * paused at 1: 0.7912", "trial 4 failed: <reason>". A pause or a stop names the step it came at.
 */
export function trialLine(t: FrozenTrial): string {
  if (t.state === 'failed') return `trial ${t.number} failed${typeof t.attrs.error === 'string' ? `: ${t.attrs.error}` : ''}`;
  if (t.value !== null) return `trial ${t.number} ${t.state} ${t.value}`;
  const last = [...t.intermediate.keys()].reduce((a, b) => Math.max(a, b), -Infinity);
  return Number.isFinite(last) ? `trial ${t.number} ${t.state} at ${show(last)}: ${show(t.intermediate.get(last) as number)}` : `trial ${t.number} ${t.state}`;
}

/** The trial table: number, state, value, last step reported, parameters. */
export function trialTable(trials: readonly FrozenTrial[]): string[][] {
  const names = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  // The reason a trial failed, last (it is the longest cell), when some trial has one.
  const errorOf = (t: FrozenTrial): string => (typeof t.attrs.error === 'string' ? t.attrs.error : '-');
  const withErrors = trials.some((t) => errorOf(t) !== '-');
  const header = ['trial', 'state', 'value', 'steps', ...names, ...(withErrors ? ['error'] : [])];
  const rows = trials.map((t) => [
    String(t.number),
    t.state,
    t.value === null ? '-' : show(t.value),
    t.intermediate.size ? String(Math.max(...t.intermediate.keys())) : '-',
    ...names.map((n) => (n in t.params ? show(t.params[n]) : '-')),
    ...(withErrors ? [errorOf(t)] : []),
  ]);
  return [header, ...rows];
}
