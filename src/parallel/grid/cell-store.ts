/**
 * Where a grid keeps each run's result: `<out>/cells/<id>.json`, written atomically (a reader sees
 * the whole result or none), with a fingerprint of the run's config, so that a rerun reuses a
 * result only for the config that made it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoomConfig } from '../../config/schema.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { LoomError } from '../../util/errors.js';

export const cellResultPath = (out: string, id: string): string => join(out, 'cells', `${id}.json`);

/** A short hash of a validated config (defaults filled in). */
export const configFingerprint = (config: LoomConfig): string => createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);

export interface StoredResult {
  readonly id: string;
  /** The fingerprint of the config that made it (absent in results written before fingerprints). */
  readonly configHash?: string;
}

export function writeCellResult(out: string, result: StoredResult): void {
  writeFileAtomic(cellResultPath(out, result.id), new TextEncoder().encode(`${JSON.stringify(result)}\n`));
}

/** The stored result of run `id`, or null when there is none. */
export function readCellResult<R extends StoredResult>(out: string, id: string): R | null {
  const path = cellResultPath(out, id);
  if (!existsSync(path)) return null;
  let stored: unknown;
  try {
    stored = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new LoomError(`${path} is not a cell result (${error instanceof Error ? error.message : String(error)}); delete it to rerun the cell`);
  }
  if (typeof stored !== 'object' || stored === null || !('id' in stored) || stored.id !== id) throw new LoomError(`${path} is not the result of cell ${id}; delete it to rerun the cell`);
  return stored as R;
}
