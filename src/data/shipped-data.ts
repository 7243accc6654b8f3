/**
 * Where the data files shipped with the package live: `data/` at the package root. Both the
 * sources (src/data/) and the build (dist/data/) sit two levels below it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { LoomError } from '../util/errors.js';

export const SHIPPED_DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

/** Absolute path of a shipped data file or folder; throws a LoomError if it is missing. */
export function shippedDataPath(...parts: string[]): string {
  const path = join(SHIPPED_DATA_DIR, ...parts);
  if (!existsSync(path)) {
    throw new LoomError(`shipped data missing: ${path} (is the package's data/ folder installed?)`);
  }
  return path;
}
