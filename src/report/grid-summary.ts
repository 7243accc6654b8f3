/**
 * The summary of a grid, one row per cell (its runs over the seeds): the mean final test accuracy,
 * the seconds and bytes sent of the whole run (at its last evaluation), and the steps, seconds and
 * bytes sent it took to reach the target accuracy (the first evaluation
 * at or above it, mean over the seeds; "not reached" unless every seed reached it), as CSV and as
 * a Markdown table.
 */
import type { CurvePoint, GridResult } from '../parallel/index.js';

/** What the report needs of one run's result. */
export type GridReportRun = Pick<GridResult, 'cell' | 'seed' | 'accuracy' | 'diverged' | 'curve' | 'simulated'>;

export interface ToTarget {
  readonly steps: number;
  readonly seconds: number;
  readonly bytesSent: number;
}

export interface CellSummary {
  readonly cell: string;
  readonly seeds: number;
  /** Mean final test accuracy over the seeds (a diverged run counts as 0). */
  readonly accuracy: number;
  /** Runs that diverged. */
  readonly diverged: number;
  /** Runs that reached the target (0 without one). */
  readonly reached: number;
  /** Mean over the seeds of where each first reached the target; null unless every seed did. */
  readonly toTarget: ToTarget | null;
  /** Mean over the seeds of the seconds and bytes at each run's last evaluation; null if a run has none. */
  readonly end: Omit<ToTarget, 'steps'> | null;
}

/** Whether the runs' seconds are simulated (virtual clock), wall-clock, or a mix. */
export type SecondsKind = 'simulated' | 'wall' | 'mixed';

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The first evaluation at or above the target, or null. */
export const firstReach = (curve: readonly CurvePoint[], target: number): CurvePoint | null => curve.find((p) => p.accuracy >= target) ?? null;

/** The cells in the order their first run appears, each with its runs. */
export function byCell<R extends { readonly cell: string }>(runs: readonly R[]): [string, R[]][] {
  const cells = new Map<string, R[]>();
  for (const run of runs) cells.set(run.cell, [...(cells.get(run.cell) ?? []), run]);
  return [...cells];
}

export function secondsKind(runs: readonly GridReportRun[]): SecondsKind {
  if (runs.every((r) => r.simulated)) return 'simulated';
  return runs.some((r) => r.simulated) ? 'mixed' : 'wall';
}

export function summarizeGrid(runs: readonly GridReportRun[], target?: number): CellSummary[] {
  return byCell(runs).map(([cell, here]) => {
    const hits = target === undefined ? [] : here.map((r) => firstReach(r.curve, target)).filter((p) => p !== null);
    const ends = here.map((r) => r.curve.at(-1)).filter((p) => p !== undefined);
    return {
      cell,
      seeds: here.length,
      accuracy: mean(here.map((r) => r.accuracy)),
      diverged: here.filter((r) => r.diverged).length,
      reached: hits.length,
      toTarget:
        hits.length === here.length && hits.length > 0
          ? { steps: mean(hits.map((p) => p.step)), seconds: mean(hits.map((p) => p.seconds)), bytesSent: mean(hits.map((p) => p.bytesSent)) }
          : null,
      end: ends.length === here.length && ends.length > 0 ? { seconds: mean(ends.map((p) => p.seconds)), bytesSent: mean(ends.map((p) => p.bytesSent)) } : null,
    };
  });
}

const NOT_REACHED = 'not reached';
const short = (v: number): string => String(Number(v.toPrecision(6)));
const SECONDS_UNIT: Readonly<Record<SecondsKind, string>> = { simulated: 'sim s', wall: 'wall s', mixed: 's' };

export function gridSummaryCsv(summary: readonly CellSummary[], target: number | undefined, kind: SecondsKind): string {
  const seconds = kind === 'mixed' ? 'seconds' : `${kind === 'simulated' ? 'sim' : 'wall'}_seconds`;
  const header = ['cell', 'seeds', 'final_accuracy_mean', 'diverged', `${seconds}_total`, 'bytes_total', ...(target === undefined ? [] : ['target', 'reached', 'steps_to_target', `${seconds}_to_target`, 'bytes_to_target'])];
  const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = summary.map((c) => {
    const end = c.end ? [short(c.end.seconds), String(Math.round(c.end.bytesSent))] : ['', ''];
    const row = [quote(c.cell), String(c.seeds), c.accuracy.toFixed(4), String(c.diverged), ...end];
    if (target !== undefined) {
      const t = c.toTarget;
      row.push(String(target), `${c.reached}/${c.seeds}`, ...(t ? [short(t.steps), short(t.seconds), String(Math.round(t.bytesSent))] : [NOT_REACHED, NOT_REACHED, NOT_REACHED]));
    }
    return row.join(',');
  });
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

/** The table's header and rows as text cells (shared by the Markdown and the HTML). */
export function summaryTable(summary: readonly CellSummary[], target: number | undefined, kind: SecondsKind): { header: string[]; rows: string[][] } {
  const at = target === undefined ? '' : ` to ${target}`;
  const header = ['cell', 'seeds', 'final test accuracy', `${SECONDS_UNIT[kind]} total`, 'MB sent total', ...(target === undefined ? [] : [`steps${at}`, `${SECONDS_UNIT[kind]}${at}`, `MB sent${at}`])];
  const rows = summary.map((c) => {
    const accuracy = `${c.accuracy.toFixed(4)}${c.diverged > 0 ? ` (${c.diverged} diverged)` : ''}`;
    const end = c.end ? [c.end.seconds.toFixed(3), (c.end.bytesSent / 1e6).toFixed(2)] : ['', ''];
    const row = [c.cell, String(c.seeds), accuracy, ...end];
    if (target !== undefined) {
      const t = c.toTarget;
      const missing = c.seeds > 1 ? `${NOT_REACHED} (${c.reached}/${c.seeds} seeds)` : NOT_REACHED;
      row.push(...(t ? [short(t.steps), t.seconds.toFixed(3), (t.bytesSent / 1e6).toFixed(2)] : [missing, missing, missing]));
    }
    return row;
  });
  return { header, rows };
}

/** What the numbers mean, in one paragraph. */
export function summaryNote(target: number | undefined, kind: SecondsKind): string {
  const seconds = { simulated: 'simulated seconds (virtual clock, alpha-beta network model)', wall: 'wall-clock seconds of training', mixed: 'simulated seconds for virtual-mode runs, wall-clock seconds for the others' }[kind];
  const reach =
    target === undefined
      ? ''
      : ` To ${target}: the first evaluation whose test accuracy is at or above ${target}, mean over the seeds; "${NOT_REACHED}" unless every seed reached it.`;
  return `Final test accuracy: mean over the seeds (a diverged run counts as 0). Total: at the last evaluation, mean over the seeds.${reach} Seconds: ${seconds}. Bytes: sent by rank 0.`;
}

export function gridMarkdown(title: string, summary: readonly CellSummary[], target: number | undefined, kind: SecondsKind): string {
  const { header, rows } = summaryTable(summary, target, kind);
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [`# ${title}`, '', summaryNote(target, kind), '', line(header), `|---|${header.slice(1).map(() => '---:').join('|')}|`, ...rows.map(line), ''].join('\n');
}
