/**
 * A robustness grid: a base training config and the axes to sweep — aggregators x pre-aggregator
 * lists x attacks x f x heterogeneity x seeds — expanded into one robust run (a cell) per point,
 * each with `honest` + f workers (virtual mode unless the base says otherwise). Expanded as a
 * general grid (parallel/grid) of named cells, one per rule x heterogeneity x f x attack.
 */
import { z } from 'zod';
import { validateWith } from '../../../config/load.js';
import { LoomError } from '../../../util/errors.js';
import { expandGrid, type GridRun, type NamedCell } from '../../grid/index.js';

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

export type RobustGridSpec = z.infer<typeof gridSchema>;
type Component = z.infer<typeof component>;

/** Where a run sits in the robustness grid. */
export interface RobustCellLabels {
  /** A file-name-safe id, unique in the grid. */
  readonly id: string;
  /** The rule as the report labels it: `nnm+trimmed-mean`. */
  readonly rule: string;
  readonly attack: string;
  readonly f: number;
  readonly heterogeneity: string;
  readonly seed: number;
}

export type RobustCell = GridRun & RobustCellLabels;

export function parseRobustGrid(raw: unknown): RobustGridSpec {
  return validateWith(gridSchema, raw);
}

const label = (c: Component): string => c.type;
export const heterogeneityLabel = (h: RobustGridSpec['heterogeneity'][number]): string => (h.type === 'dirichlet' ? `dirichlet-${h.alpha}` : h.type);
export const ruleLabel = (aggregator: Component, pre: readonly Component[]): string => [...pre.map(label), label(aggregator)].join('+');

type Labels = Omit<RobustCellLabels, 'id' | 'seed'>;

/** Every run of the grid, in a stable order; each config fully validated before any runs (cells write no files of their own). */
export function expandRobustGrid(grid: RobustGridSpec): RobustCell[] {
  const rules = [
    ...grid.aggregators.flatMap((aggregator) => grid.preAggregators.map((pre) => ({ aggregator, preAggregators: pre }))),
    ...grid.rules,
  ];
  if (rules.length === 0) throw new LoomError('a robust grid needs at least one rule: give aggregators or rules');
  const base = grid.base as Record<string, unknown> & { distributed?: Record<string, unknown> };
  const cells: NamedCell[] = [];
  const labels = new Map<string, Labels>();
  for (const { aggregator, preAggregators: pre } of rules) {
    const rule = ruleLabel(aggregator, pre);
    for (const h of grid.heterogeneity) {
      for (const f of grid.f) {
        for (const [a, attack] of grid.attacks.entries()) {
          // Attacks are distinct by position: the same type may appear with different options.
          const attackName = grid.attacks.filter((x) => x.type === attack.type).length > 1 ? `${attack.type}-${a}` : attack.type;
          const name = `${rule}__${heterogeneityLabel(h)}__f${f}__${attackName}`;
          if (labels.has(name)) throw new LoomError('robust grid: two rules or attacks have the same name and options; list each once');
          const workers = grid.honest + f;
          labels.set(name, { rule, attack: attackName, f, heterogeneity: heterogeneityLabel(h) });
          cells.push({
            name,
            set: {
              'train.batchSize': grid.batchPerWorker * workers,
              ...(base.distributed?.mode === undefined ? { 'distributed.mode': 'virtual' } : {}),
              'distributed.workers': workers,
              robust: { aggregator, preAggregators: pre, f, byzantine: { count: f, attack, omniscient: grid.omniscient }, heterogeneity: h },
            },
          });
        }
      }
    }
  }
  return expandGrid({ base, axes: [], cells, seeds: grid.seeds }).map((run) => ({ ...run, ...labels.get(run.cell)! }));
}
