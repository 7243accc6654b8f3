/** The grid runner's resumption: results kept per cell, reused on a rerun (nothing runs again), refused when the config changed. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/load.js';
import { cellResultPath, configFingerprint, writeCellResult, type StoredResult } from './cell-store.js';
import { runCells, type RunnableCell } from './run-cells.js';

const config = (lr: number) =>
  validateConfig({
    data: { name: 'blobs', classes: 3, dims: 4, trainSize: 60, testSize: 30 },
    model: { type: 'mlp', hidden: [8] },
    optimizer: { type: 'sgd', lr },
    train: { steps: 4 },
  });
const cells: RunnableCell[] = ['a__s1', 'b__s1', 'c__s1'].map((id, i) => ({ id, config: config(0.1 * (i + 1)) }));

interface Result extends StoredResult {
  readonly value: number;
}

/** A stand-in for training: stores a result and counts the runs (and how many are in flight at once). */
function fakeRunner(out: string) {
  const ran: string[] = [];
  let inFlight = 0;
  let most = 0;
  const runHere = async (cell: RunnableCell): Promise<Result> => {
    ran.push(cell.id);
    most = Math.max(most, ++inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5));
    inFlight--;
    const result = { id: cell.id, configHash: configFingerprint(cell.config), value: cell.config.optimizer.lr };
    writeCellResult(out, result);
    return result;
  };
  return { ran, runHere, most: () => most };
}

describe('runCells', () => {
  it('runs every cell once, stores each result, and a rerun reuses them all without running anything', async () => {
    const out = mkdtempSync(join(tmpdir(), 'loom-grid-cells-'));
    const first = fakeRunner(out);
    const done: number[] = [];
    const results = await runCells(cells, { out, jobs: 2, runHere: first.runHere, onResult: (_, n) => done.push(n) });
    expect(first.ran.sort()).toEqual(['a__s1', 'b__s1', 'c__s1']);
    expect(first.most()).toBe(2);
    expect(done).toEqual([1, 2, 3]);
    expect(results.map((r) => r.value)).toEqual([0.1, 0.2, expect.closeTo(0.3, 12)]);
    for (const cell of cells) expect(existsSync(cellResultPath(out, cell.id))).toBe(true);

    const again = fakeRunner(out);
    expect(await runCells(cells, { out, jobs: 2, runHere: again.runHere })).toEqual(results);
    expect(again.ran).toEqual([]);

    // An interrupted grid: the missing cell runs, the others are read back.
    rmSync(cellResultPath(out, 'b__s1'));
    const resumed = fakeRunner(out);
    expect(await runCells(cells, { out, jobs: 1, runHere: resumed.runHere })).toEqual(results);
    expect(resumed.ran).toEqual(['b__s1']);
  });

  it('refuses a stored result made by another config, and a child that wrote none', async () => {
    const out = mkdtempSync(join(tmpdir(), 'loom-grid-cells-'));
    await runCells(cells, { out, jobs: 1, runHere: fakeRunner(out).runHere });
    const changed = [{ id: 'a__s1', config: config(0.5) }];
    await expect(runCells(changed, { out, jobs: 1, runHere: fakeRunner(out).runHere })).rejects.toThrow(
      `${cellResultPath(out, 'a__s1')} was made with another config than cell a__s1 has now; delete it to rerun the cell`,
    );
    const elsewhere = { runHere: fakeRunner(out).runHere, runElsewhere: async () => {} };
    await expect(runCells([{ id: 'd__s1', config: config(0.1) }], { out, jobs: 1, ...elsewhere })).rejects.toThrow(
      `grid: cell d__s1 finished without writing ${cellResultPath(out, 'd__s1')}`,
    );
  });
});
