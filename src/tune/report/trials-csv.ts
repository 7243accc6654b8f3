/**
 * Every trial as a CSV row, at full precision: number, state, value, the last step reported and
 * how many reports, start and end (ISO 8601), duration in seconds, then one column per parameter
 * (empty where a trial lacks it).
 */
import type { ParamValue } from '../space/distribution.js';
import type { FrozenTrial } from '../study/trial.js';

const cell = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const show = (v: ParamValue | undefined): string => (v === undefined ? '' : String(v));

export function trialsCsv(trials: readonly FrozenTrial[]): string {
  const names = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const header = ['trial', 'state', 'value', 'last_step', 'reports', 'started', 'finished', 'duration_s', ...names];
  const rows = [...trials]
    .sort((a, b) => a.number - b.number)
    .map((t) => [
      String(t.number),
      t.state,
      t.value === null ? '' : String(t.value),
      t.intermediate.size ? String(Math.max(...t.intermediate.keys())) : '',
      String(t.intermediate.size),
      new Date(t.startedAt).toISOString(),
      t.finishedAt === null ? '' : new Date(t.finishedAt).toISOString(),
      t.finishedAt === null ? '' : String((t.finishedAt - t.startedAt) / 1000),
      ...names.map((n) => show(t.params[n])),
    ]);
  return `${[header, ...rows].map((r) => r.map(cell).join(',')).join('\n')}\n`;
}
