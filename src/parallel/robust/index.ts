export { planRobustRun, type RobustPlan } from './robust-plan.js';
export { robustGroup } from './robust-rank.js';
export { RobustGroup } from './robust-group.js';
export { parseGrid, expandGrid, type GridSpec, type Cell, type CellLabels } from './grid/grid-spec.js';
export { runGrid, runCell, readCellResult, cellResultPath, type CellResult, type RunGridOptions } from './grid/run-grid.js';
