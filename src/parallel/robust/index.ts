export { planRobustRun, type RobustPlan } from './robust-plan.js';
export { robustGroup } from './robust-rank.js';
export { RobustGroup } from './robust-group.js';
