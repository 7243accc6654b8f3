/**
 * The early check of a training command's output directory (`loom train`, `loom demo`): made, and
 * proven writable, before any data or model loads, so an unusable --out / output.dir ends the
 * command at once in one line (util/output-dir.ts says why that needs care on Node 20).
 */
import type { LoomConfig } from '../config/schema.js';
import { ensureWritableDir } from '../util/output-dir.js';

export function checkOutputDir(config: LoomConfig): void {
  if (config.output.dir) ensureWritableDir(config.output.dir, 'output directory');
}
