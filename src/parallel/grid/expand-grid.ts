/**
 * The runs of a grid: every named cell (or the base alone) crossed with every point of the axes
 * (the product, first axis outermost), each point run once per seed. A cell's config is the base
 * with the cell's `set` applied, then the axis values, then the seed; every key is a dotted config
 * path (`strategy.period`), its value replacing what was there (`strategy: { type: ps }` replaces
 * the whole section, `strategy.type: ps` that one key).
 */
import { withConfigValue } from '../../config/load.js';
import type { LoomConfig } from '../../config/schema.js';
import { LoomError, showValue } from '../../util/errors.js';
import { checkedCellConfig } from './checked-config.js';

export interface NamedCell {
  readonly name: string;
  /** Dotted config key -> value. */
  readonly set: Readonly<Record<string, unknown>>;
}

export interface GridDefinition {
  /** The base config, raw. */
  readonly base: Readonly<Record<string, unknown>>;
  /** Dotted config key -> the values it takes, in the file's order. */
  readonly axes: readonly (readonly [string, readonly unknown[]])[];
  /** Named variants; none: the base alone. */
  readonly cells: readonly NamedCell[];
  readonly seeds: readonly number[];
}

/** One training run of the grid: a cell at one seed. */
export interface GridRun {
  /** A file-name-safe id, unique in the grid: `<cell>__s<seed>`. */
  readonly id: string;
  /** The cell's name (the same for every seed): its variant's name and its axis values. */
  readonly cell: string;
  readonly seed: number;
  /** Every key this run sets on the base, with its value. */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly config: LoomConfig;
}

export const runId = (cell: string, seed: number): string => `${cell}__s${seed}`.replace(/[^A-Za-z0-9_.+=-]/g, '_');

/** The shortest dotted suffix of each key that no other key ends with (`strategy.period` -> `period`). */
export function shortKeys(keys: readonly string[]): string[] {
  return keys.map((key) => {
    const parts = key.split('.');
    for (let n = 1; n < parts.length; n++) {
      const suffix = parts.slice(-n).join('.');
      if (!keys.some((other) => other !== key && (other === suffix || other.endsWith(`.${suffix}`)))) return suffix;
    }
    return key;
  });
}

/** How an axis value reads in a cell name: a component by its type, anything else as written. */
function valueLabel(value: unknown): string {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'type' in value && typeof value.type === 'string') return value.type;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The labels of one axis's values; values that read alike are told apart by their position. */
function axisLabels(values: readonly unknown[]): string[] {
  const labels = values.map(valueLabel);
  return labels.map((label, i) => (labels.filter((l) => l === label).length > 1 ? `${label}-${i}` : label));
}

/** An axis key that equals, or holds, a key the cell sets would overwrite the cell's value. */
function overwrites(axisKey: string, setKey: string): boolean {
  return setKey === axisKey || setKey.startsWith(`${axisKey}.`);
}

export function expandGrid(grid: GridDefinition): GridRun[] {
  const axisKeys = grid.axes.map(([key]) => key);
  if (axisKeys.includes('seed')) throw new LoomError('grid axes: give the seeds as seeds: [...], not as an axis');
  const names = shortKeys(axisKeys);
  const labels = grid.axes.map(([, values]) => axisLabels(values));
  const variants: readonly NamedCell[] = grid.cells.length > 0 ? grid.cells : [{ name: '', set: {} }];
  const runs: GridRun[] = [];
  for (const variant of variants) {
    for (const key of Object.keys(variant.set)) {
      if (key === 'seed') throw new LoomError(`grid cell ${variant.name}: give the seeds as seeds: [...], not in set`);
      const axis = axisKeys.find((a) => overwrites(a, key));
      if (axis !== undefined) throw new LoomError(`grid cell ${variant.name}: it sets ${key}, which the axis ${axis} overwrites; drop one of them`);
    }
    // Every point of the axes: an index into each axis's values, the last axis varying fastest.
    const points: number[][] = grid.axes.reduce<number[][]>((acc, [, values]) => acc.flatMap((p) => values.map((_, i) => [...p, i])), [[]]);
    for (const point of points) {
      const parts = [...(variant.name ? [variant.name] : []), ...point.map((v, a) => `${names[a]}=${labels[a]![v]}`)];
      const cell = parts.length > 0 ? parts.join(' ') : 'base';
      const settings: Record<string, unknown> = { ...variant.set };
      point.forEach((v, a) => (settings[axisKeys[a]!] = grid.axes[a]![1][v]));
      for (const seed of grid.seeds) {
        const raw = Object.entries({ ...settings, seed }).reduce<Record<string, unknown>>((config, [key, value]) => withConfigValue(config, key, value), { ...grid.base });
        const config = checkedCellConfig(grid.seeds.length > 1 ? `"${cell}" (seed ${seed})` : `"${cell}"`, raw);
        runs.push({ id: runId(cell, seed), cell, seed, settings, config });
      }
    }
  }
  const seen = new Map<string, string>();
  for (const run of runs) {
    const other = seen.get(run.id);
    if (other !== undefined) throw new LoomError(`grid: cells ${showValue(other)} and ${showValue(run.cell)} have the same file name ${run.id}; rename one`);
    seen.set(run.id, run.cell);
  }
  return runs;
}
