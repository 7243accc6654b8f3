/**
 * A grid file: a base training config (inline, or a file relative to the grid file), axes over any
 * dotted config keys, optional named cells for settings that go together, seeds, how many cells
 * run at once, the target accuracy of the report, and where the results go.
 *
 *   name: strategies
 *   base: base.yaml                        # relative to the grid file (no output section), or inline
 *   axes: { distributed.workers: [4, 8] }
 *   cells:
 *     - { name: ddp, set: { strategy: { type: ddp } } }
 *     - { name: ps-ssp3, set: { strategy: { type: ps, consistency: ssp, staleness: 3 } } }
 *   seeds: [1, 2]
 *   parallel: 2
 *   target: 0.8
 */
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { readConfigFile, validateWith } from '../../config/load.js';
import { LoomError } from '../../util/errors.js';
import type { GridDefinition } from './expand-grid.js';

const configObject = z.record(z.string(), z.unknown());

export const gridFileSchema = z.strictObject({
  name: z.string().min(1).default('grid'),
  base: z.union([z.string().min(1), configObject]),
  axes: z.record(z.string().min(1), z.array(z.unknown()).min(1)).default({}),
  cells: z.array(z.strictObject({ name: z.string().min(1), set: configObject.default({}) })).default([]),
  seeds: z.array(z.number().int().nonnegative()).min(1).default([1]),
  /** Cells run at once, each in a child process of its own (1: one after another, in this one). */
  parallel: z.number().int().positive().default(1),
  /** The report gives the steps, seconds and bytes each cell took to reach this test accuracy. */
  target: z.number().gt(0).max(1).optional(),
  /** Where results and the report go (default runs/<name>). */
  out: z.string().min(1).optional(),
});

export interface GridFile extends GridDefinition {
  readonly name: string;
  readonly parallel: number;
  readonly target?: number;
  readonly out?: string;
}

/** A grid file's contents, checked, with its base read (a path is relative to the grid file at `path`). */
export function parseGridFile(raw: unknown, path: string): GridFile {
  const file = validateWith(gridFileSchema, raw);
  let base: Record<string, unknown>;
  if (typeof file.base === 'string') {
    const read = readConfigFile(resolve(dirname(resolve(path)), file.base));
    if (typeof read !== 'object' || read === null || Array.isArray(read)) throw new LoomError(`base ${file.base}: a config file holds a mapping of keys`);
    base = { ...read };
  } else base = file.base;
  return {
    name: file.name,
    base,
    axes: Object.entries(file.axes),
    cells: file.cells,
    seeds: file.seeds,
    parallel: file.parallel,
    ...(file.target !== undefined ? { target: file.target } : {}),
    ...(file.out !== undefined ? { out: file.out } : {}),
  };
}
