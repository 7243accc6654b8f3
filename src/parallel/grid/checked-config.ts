/**
 * One grid cell's config, checked the way a run would check it (the config schema, then the named
 * strategy's own options and checks), so that a bad cell is refused before any cell runs. The
 * error names the cell; the message underneath names the key.
 */
import { validateConfig } from '../../config/load.js';
import type { LoomConfig } from '../../config/schema.js';
import { LoomError } from '../../util/errors.js';
import { resolveStrategy } from '../strategies.js';

export function checkedCellConfig(cell: string, raw: unknown): LoomConfig {
  try {
    const config = validateConfig(raw);
    resolveStrategy(config);
    // Cells run at once would share one checkpoint file; a cell's result goes to the grid's own folder.
    if (config.output.dir !== undefined) throw new LoomError('config key output.dir: a grid cell writes no files of its own (its result goes to the grid\'s out folder); drop the output section from the base');
    return config;
  } catch (error) {
    if (error instanceof LoomError) throw new LoomError(`grid cell ${cell}: ${error.message}`, { cause: error });
    throw error;
  }
}
