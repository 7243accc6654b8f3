/**
 * Runs a robustness grid on the general grid runner (parallel/grid): each cell's result is kept in
 * `<out>/cells/<id>.json`, so an interrupted grid resumes where it stopped; a diverged run counts
 * as accuracy 0, the collapse the attack was after. `jobs` cells run at once, each in its own
 * process when the caller provides `runElsewhere` (virtual mode keeps a run on one core).
 */
import { configFingerprint, runCells, trainCell, writeCellResult, type RunCellsOptions } from '../../grid/index.js';
import type { RobustCell, RobustCellLabels } from './grid-spec.js';

export interface RobustGridResult extends RobustCellLabels {
  /** Final test accuracy (0 when the run diverged). */
  readonly accuracy: number;
  readonly diverged: boolean;
  /** Test accuracy at every evaluation. */
  readonly curve: readonly { readonly step: number; readonly accuracy: number }[];
  readonly wallSec: number;
  readonly configHash: string;
}

/** Trains one cell here and stores its result. */
export async function runRobustCell(cell: RobustCell, out: string): Promise<RobustGridResult> {
  const { accuracy, diverged, curve, wallSec } = await trainCell(cell.config);
  const { id, rule, attack, f, heterogeneity, seed } = cell;
  const points = curve.map((p) => ({ step: p.step, accuracy: p.accuracy }));
  const result: RobustGridResult = { id, rule, attack, f, heterogeneity, seed, accuracy, diverged, curve: points, wallSec, configHash: configFingerprint(cell.config) };
  writeCellResult(out, result);
  return result;
}

export type RunRobustGridOptions = Omit<RunCellsOptions<RobustCell, RobustGridResult>, 'runHere'>;

export function runRobustGrid(cells: readonly RobustCell[], options: RunRobustGridOptions): Promise<RobustGridResult[]> {
  return runCells(cells, { ...options, runHere: (cell) => runRobustCell(cell, options.out) });
}
