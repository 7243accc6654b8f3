export { planRobustRun, type RobustPlan } from './robust-plan.js';
export { robustGroup } from './robust-rank.js';
export { RobustGroup } from './robust-group.js';
export { parseRobustGrid, expandRobustGrid, type RobustGridSpec, type RobustCell, type RobustCellLabels } from './grid/grid-spec.js';
export { runRobustGrid, runRobustCell, type RobustGridResult, type RunRobustGridOptions } from './grid/run-grid.js';
