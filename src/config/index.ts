export { configSchema } from './schema.js';
export type { LoomConfig, DataConfig, ModelConfig, OptimizerConfig, ScheduleConfig } from './schema.js';
export { loadConfig, readConfigFile, applyOverrides, validateConfig } from './load.js';
