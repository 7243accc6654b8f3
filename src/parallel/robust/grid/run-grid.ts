/**
 * Runs a robustness grid cell by cell and keeps each cell's result in `<out>/cells/<id>.json`
 * (written atomically, so an interrupted grid resumes where it stopped: finished cells are not run
 * again). A run that diverges (its loss turns NaN or infinite) is a result, not a failure: it
 * counts as accuracy 0, the collapse the attack was after. `jobs` cells run at once, each in its
 * own process when the caller provides `runElsewhere` (virtual mode keeps a run on one core).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MetricsStream } from '../../../train/metrics.js';
import { writeFileAtomic } from '../../../util/atomic-file.js';
import { LoomError } from '../../../util/errors.js';
import { runDataParallel } from '../../launch/index.js';
import type { Cell, CellLabels } from './grid-spec.js';

export interface CellResult extends CellLabels {
  /** Final test accuracy (0 when the run diverged). */
  readonly accuracy: number;
  readonly diverged: boolean;
  /** Test accuracy at every evaluation. */
  readonly curve: readonly { readonly step: number; readonly accuracy: number }[];
  readonly wallSec: number;
}

export const cellResultPath = (out: string, id: string): string => join(out, 'cells', `${id}.json`);

/** Trains one cell here and stores its result. */
export async function runCell(cell: Cell, out: string): Promise<CellResult> {
  const metrics = new MetricsStream();
  const curve: { step: number; accuracy: number }[] = [];
  metrics.on('eval', (r) => curve.push({ step: r.step, accuracy: r.accuracy }));
  const started = performance.now();
  let accuracy = 0;
  let diverged = false;
  try {
    const results = await runDataParallel({ config: cell.config, metrics });
    accuracy = results[0]!.evaluation?.accuracy ?? 0;
  } catch (error) {
    if (!(error instanceof LoomError && /training diverged/.test(error.message))) throw error;
    diverged = true;
  }
  const { id, rule, attack, f, heterogeneity, seed } = cell;
  const result: CellResult = { id, rule, attack, f, heterogeneity, seed, accuracy, diverged, curve, wallSec: (performance.now() - started) / 1000 };
  writeFileAtomic(cellResultPath(out, id), new TextEncoder().encode(`${JSON.stringify(result)}\n`));
  return result;
}

export function readCellResult(out: string, id: string): CellResult | null {
  const path = cellResultPath(out, id);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as CellResult;
  } catch (error) {
    throw new LoomError(`${path} is not a cell result (${error instanceof Error ? error.message : String(error)}); delete it to rerun the cell`);
  }
}

export interface RunGridOptions {
  readonly out: string;
  readonly jobs: number;
  /** Runs a cell in another process, which stores its result (default: run in this one). */
  readonly runElsewhere?: (cell: Cell) => Promise<void>;
  readonly onResult?: (result: CellResult, done: number, total: number) => void;
}

export async function runGrid(cells: readonly Cell[], options: RunGridOptions): Promise<CellResult[]> {
  const results = new Map<string, CellResult>();
  for (const cell of cells) {
    const stored = readCellResult(options.out, cell.id);
    if (stored) results.set(cell.id, stored);
  }
  const pending = cells.filter((c) => !results.has(c.id));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pending.length) {
      const cell = pending[next++]!;
      let result: CellResult;
      if (options.runElsewhere) {
        await options.runElsewhere(cell);
        const stored = readCellResult(options.out, cell.id);
        if (!stored) throw new LoomError(`robust grid: cell ${cell.id} finished without writing ${cellResultPath(options.out, cell.id)}`);
        result = stored;
      } else {
        result = await runCell(cell, options.out);
      }
      results.set(cell.id, result);
      options.onResult?.(result, results.size, cells.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, pending.length)) }, worker));
  return cells.map((c) => results.get(c.id)!);
}
