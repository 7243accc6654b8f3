/**
 * Each optimizer's options as a zod schema, by the type a config names: the optimizers validate
 * with them, and config/schema.ts builds its `optimizer` section from them.
 */
import { adamOptionsSchema, adamwOptionsSchema } from './adam.js';
import { lambOptionsSchema } from './lamb.js';
import { larsOptionsSchema } from './lars.js';
import { sgdOptionsSchema } from './sgd.js';

export const OPTIMIZER_OPTIONS = {
  sgd: sgdOptionsSchema,
  adam: adamOptionsSchema,
  adamw: adamwOptionsSchema,
  lars: larsOptionsSchema,
  lamb: lambOptionsSchema,
} as const;

export { sgdOptionsSchema, type SgdOptions, type SgdSettings } from './sgd.js';
export { adamOptionsSchema, adamwOptionsSchema, type AdamOptions, type AdamWOptions, type AdamSettings } from './adam.js';
export { larsOptionsSchema, type LarsOptions, type LarsSettings } from './lars.js';
export { lambOptionsSchema, type LambOptions, type LambSettings } from './lamb.js';
export { parseOptimizerOptions } from './parse.js';
