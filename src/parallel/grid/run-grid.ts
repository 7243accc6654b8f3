/** A general grid's runs: train one and store its result; run them all, resuming. */
import type { CurvePoint } from './curve.js';
import { configFingerprint, writeCellResult } from './cell-store.js';
import type { GridRun } from './expand-grid.js';
import { runCells, type RunCellsOptions } from './run-cells.js';
import { trainCell } from './train-cell.js';

export interface GridResult {
  readonly id: string;
  readonly cell: string;
  readonly seed: number;
  readonly settings: Readonly<Record<string, unknown>>;
  /** Final test accuracy (0 when the run diverged). */
  readonly accuracy: number;
  readonly diverged: boolean;
  readonly curve: readonly CurvePoint[];
  /** True when the curve's seconds are simulated (virtual mode). */
  readonly simulated: boolean;
  readonly wallSec: number;
  readonly configHash: string;
}

/** Trains one run here and stores its result under `out`. */
export async function runGridRun(run: GridRun, out: string): Promise<GridResult> {
  const trained = await trainCell(run.config);
  const result: GridResult = { id: run.id, cell: run.cell, seed: run.seed, settings: run.settings, ...trained, configHash: configFingerprint(run.config) };
  writeCellResult(out, result);
  return result;
}

export type RunGridOptions = Omit<RunCellsOptions<GridRun, GridResult>, 'runHere'>;

export function runGrid(runs: readonly GridRun[], options: RunGridOptions): Promise<GridResult[]> {
  return runCells(runs, { ...options, runHere: (run) => runGridRun(run, options.out) });
}
