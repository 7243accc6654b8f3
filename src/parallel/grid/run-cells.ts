/**
 * Runs a grid's runs, `jobs` at a time, and keeps each result in the cell store: a rerun reads the
 * results already there and runs only the rest (an interrupted grid resumes where it stopped). A
 * stored result made by another config is refused rather than reused. Each run goes either here
 * (`runHere`, which stores its result) or to another process (`runElsewhere`, which must).
 */
import type { LoomConfig } from '../../config/schema.js';
import { LoomError } from '../../util/errors.js';
import { cellResultPath, configFingerprint, readCellResult, type StoredResult } from './cell-store.js';

export interface RunnableCell {
  readonly id: string;
  readonly config: LoomConfig;
}

export interface RunCellsOptions<C extends RunnableCell, R extends StoredResult> {
  readonly out: string;
  readonly jobs: number;
  /** Runs a cell in this process and stores its result. */
  readonly runHere: (cell: C) => Promise<R>;
  /** Runs a cell in another process, which stores its result (default: runHere). */
  readonly runElsewhere?: (cell: C) => Promise<void>;
  /** Called as each run finishes (not for results read back). */
  readonly onResult?: (result: R, done: number, total: number) => void;
}

function stored<R extends StoredResult>(out: string, cell: RunnableCell): R | null {
  const result = readCellResult<R>(out, cell.id);
  if (result?.configHash !== undefined && result.configHash !== configFingerprint(cell.config)) {
    throw new LoomError(`${cellResultPath(out, cell.id)} was made with another config than cell ${cell.id} has now; delete it to rerun the cell, or write to another out folder`);
  }
  return result;
}

/** Every cell's result, in the cells' order. */
export async function runCells<C extends RunnableCell, R extends StoredResult>(cells: readonly C[], options: RunCellsOptions<C, R>): Promise<R[]> {
  const results = new Map<string, R>();
  for (const cell of cells) {
    const result = stored<R>(options.out, cell);
    if (result) results.set(cell.id, result);
  }
  const pending = cells.filter((c) => !results.has(c.id));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pending.length) {
      const cell = pending[next++]!;
      let result: R;
      if (options.runElsewhere) {
        await options.runElsewhere(cell);
        const written = stored<R>(options.out, cell);
        if (!written) throw new LoomError(`grid: cell ${cell.id} finished without writing ${cellResultPath(options.out, cell.id)}`);
        result = written;
      } else {
        result = await options.runHere(cell);
      }
      results.set(cell.id, result);
      options.onResult?.(result, results.size, cells.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, pending.length)) }, worker));
  return cells.map((c) => results.get(c.id)!);
}
