/**
 * A robustness grid: a base training config and the axes to sweep — aggregators x pre-aggregator
 * lists x attacks x f x heterogeneity x seeds — expanded into one robust run (a cell) per point,
 * each with `honest` + f workers (virtual mode unless the base says otherwise).
 */
import { z } from 'zod';
import { validateConfig, validateWith } from '../../../config/load.js';
import type { LoomConfig } from '../../../config/schema.js';
import { LoomError } from '../../../util/errors.js';
import { planRobustRun } from '../robust-plan.js';

const component = z.object({ type: z.string().min(1) }).catchall(z.unknown());
const heterogeneity = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('iid') }),
  z.strictObject({ type: z.literal('dirichlet'), alpha: z.number().positive() }),
  z.strictObject({ type: z.literal('label-sorted') }),
]);

export const gridSchema = z.strictObject({
  name: z.string().min(1).default('robust-grid'),
  /** Everything but the robust section and the worker count: data, model, optimizer, train. */
  base: z.record(z.string(), z.unknown()),
  honest: z.number().int().positive(),
  /** Samples per worker per step (the global batch is this times the worker count). */
  batchPerWorker: z.number().int().positive(),
  omniscient: z.boolean().default(true),
  aggregators: z.array(component).default([]),
  /** Pre-aggregator lists; [] is "none". Every aggregator runs with every list. */
  preAggregators: z.array(z.array(component)).default([[]]),
  /** Rules given whole (an aggregator with its own pre-aggregators), besides the product above. */
  rules: z.array(z.strictObject({ aggregator: component, preAggregators: z.array(component).default([]) })).default([]),
  attacks: z.array(component).min(1),
  f: z.array(z.number().int().nonnegative()).min(1),
  heterogeneity: z.array(heterogeneity).default([{ type: 'iid' }]),
  seeds: z.array(z.number().int().nonnegative()).default([1]),
});

export type GridSpec = z.infer<typeof gridSchema>;
type Component = z.infer<typeof component>;

/** Where a cell sits in the grid. */
export interface CellLabels {
  /** A file-name-safe id, unique in the grid. */
  readonly id: string;
  /** The rule as the report labels it: `nnm+trimmed-mean`. */
  readonly rule: string;
  readonly attack: string;
  readonly f: number;
  readonly heterogeneity: string;
  readonly seed: number;
}

export interface Cell extends CellLabels {
  readonly config: LoomConfig;
}

export function parseGrid(raw: unknown): GridSpec {
  return validateWith(gridSchema, raw);
}

const label = (c: Component): string => c.type;
export const heterogeneityLabel = (h: GridSpec['heterogeneity'][number]): string => (h.type === 'dirichlet' ? `dirichlet-${h.alpha}` : h.type);
export const ruleLabel = (aggregator: Component, pre: readonly Component[]): string => [...pre.map(label), label(aggregator)].join('+');

/** Every cell of the grid, in a stable order; each config fully validated (cells write no files of their own). */
export function expandGrid(grid: GridSpec): Cell[] {
  const cells: Cell[] = [];
  const rules = [
    ...grid.aggregators.flatMap((aggregator) => grid.preAggregators.map((pre) => ({ aggregator, preAggregators: pre }))),
    ...grid.rules,
  ];
  if (rules.length === 0) throw new LoomError('a robust grid needs at least one rule: give aggregators or rules');
  for (const { aggregator, preAggregators: pre } of rules) {
    const rule = ruleLabel(aggregator, pre);
    for (const h of grid.heterogeneity) {
      for (const f of grid.f) {
        for (const [a, attack] of grid.attacks.entries()) {
          for (const seed of grid.seeds) {
            // Attacks are distinct by position: the same type may appear with different options.
            const attackName = grid.attacks.filter((x) => x.type === attack.type).length > 1 ? `${attack.type}-${a}` : attack.type;
            const id = `${rule}__${heterogeneityLabel(h)}__f${f}__${attackName}__s${seed}`.replace(/[^A-Za-z0-9_.+-]/g, '_');
            const workers = grid.honest + f;
            const base = grid.base as Record<string, unknown> & { train?: Record<string, unknown>; distributed?: Record<string, unknown> };
            const config = validateConfig({
              ...base,
              seed,
              train: { ...base.train, batchSize: grid.batchPerWorker * workers },
              distributed: { mode: 'virtual', ...base.distributed, workers },
              robust: {
                aggregator,
                preAggregators: pre,
                f,
                byzantine: { count: f, attack, omniscient: grid.omniscient },
                heterogeneity: h,
              },
            });
            planRobustRun(config); // refuses a cell the rule cannot run before any cell starts
            cells.push({ id, rule, attack: attackName, f, heterogeneity: heterogeneityLabel(h), seed, config });
          }
        }
      }
    }
  }
  const ids = new Set(cells.map((c) => c.id));
  if (ids.size !== cells.length) throw new LoomError('robust grid: two rules or attacks have the same name and options; list each once');
  return cells;
}
