/** parallel/grid: grids of training runs over any config keys (axes, named cells, seeds), resumable, cell by cell or in parallel processes. */
export { parseGridFile, gridFileSchema, type GridFile } from './grid-file.js';
export { expandGrid, runId, shortKeys, type GridDefinition, type GridRun, type NamedCell } from './expand-grid.js';
export { checkedCellConfig } from './checked-config.js';
export { CurveRecorder, type CurvePoint } from './curve.js';
export { trainCell, type TrainedCell } from './train-cell.js';
export { cellResultPath, configFingerprint, readCellResult, writeCellResult, type StoredResult } from './cell-store.js';
export { runCells, type RunCellsOptions, type RunnableCell } from './run-cells.js';
export { runGrid, runGridRun, type GridResult, type RunGridOptions } from './run-grid.js';
