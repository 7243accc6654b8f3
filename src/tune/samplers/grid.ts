/**
 * Grid search (after Optuna's GridSampler): every combination of the listed values, taken in a
 * fixed order — the first parameter varies slowest, each parameter's values in the order given —
 * the k-th trial of the study taking point k. Parallel workers, holding different trial numbers,
 * take different points; a retry of a lost trial takes its original's point (the study copies its
 * parameters; this covers any it had not suggested yet), and retries and PBT replacements take no
 * point of their own. Once every point has been taken the sampler is `exhausted` and the study
 * starts no new trial. J. Bergstra, Y. Bengio, "Random Search for Hyper-Parameter Optimization",
 * JMLR 13, 2012 (grid search, the baseline random search is compared against).
 *
 * Without a grid the sampler builds one from the declared space (`gridFromSpace`): a categorical
 * takes all its choices, a discrete range all its values when there are at most `pointsPerAxis`
 * of them and otherwise that many evenly spaced ones, a continuous range `pointsPerAxis` evenly
 * spaced points, ends included (log-spaced where log). A conditional parameter is an axis like
 * any other, so points differing only in a disabled parameter run the same configuration.
 *
 * With `shuffle` the k-th trial takes the k-th point of a seeded permutation of the grid instead,
 * as Optuna's GridSampler takes a random unvisited point: a search stopped early (or still
 * running) has then covered every axis evenly, not only the first values of the slowest one.
 *
 * A grid value its parameter's distribution cannot produce, a parameter suggested that the grid
 * does not list, and an empty list are refused, naming the parameter.
 */
import { LoomError, showValue } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { cardinality, contains, type Distribution, type ParamValue } from '../space/distribution.js';
import type { SpaceParam } from '../space/search-space.js';
import type { FrozenTrial, StudyView } from '../study/trial.js';
import { intersectionSpace, type Sampler, type SearchSpace } from './sampler.js';

export type Grid = Readonly<Record<string, readonly ParamValue[]>>;

export interface GridSamplerOptions {
  /** Parameter -> the values to try. Default: built from `space`. */
  readonly grid?: Grid;
  /**
   * The declared space: builds the grid when `grid` is absent and checks it when present; its
   * unconditional parameters are drawn jointly from the first trial on (in code, without a space,
   * from the distributions the complete trials share).
   */
  readonly space?: readonly SpaceParam[];
  /** Points per continuous axis, and the most values a discrete axis keeps (default 5, at least 2). */
  readonly pointsPerAxis?: number;
  /** Take the points in a random order fixed by `seed` (default: in grid order). */
  readonly shuffle?: boolean;
  readonly seed?: number;
}

/** The most points a shuffled grid may have (its permutation is held in memory, 4 bytes a point). */
export const MAX_SHUFFLED_POINTS = 1 << 24;

export class GridSampler implements Sampler {
  readonly name = 'grid';
  readonly grid: Grid;
  /** How many points the grid has. */
  readonly size: number;
  private readonly names: readonly string[];
  private readonly declared: SearchSpace | null;
  /** With shuffle: order[k] is the point trial k takes (built at the first use). */
  private order: Uint32Array | null = null;
  private readonly shuffleSeed: number | null;

  constructor(options: GridSamplerOptions) {
    const pointsPerAxis = options.pointsPerAxis ?? 5;
    if (!Number.isInteger(pointsPerAxis) || pointsPerAxis < 2) {
      throw new LoomError(`sampler (grid): pointsPerAxis must be an integer of at least 2, got ${showValue(pointsPerAxis)}`);
    }
    if (!options.grid && !options.space) throw new LoomError('sampler (grid): give grid: { name: [values, ...] }, or a space: section to build it from');
    this.grid = options.grid ?? gridFromSpace(options.space ?? [], pointsPerAxis);
    this.names = Object.keys(this.grid);
    if (this.names.length === 0) throw new LoomError('sampler (grid): the grid lists no parameters');
    for (const name of this.names) {
      const values = this.grid[name];
      if (!Array.isArray(values) || values.length === 0) refuse(name, `the grid lists no values for it, got ${showValue(values)}`);
      const seen = new Set<string>();
      for (const v of values) {
        const key = `${v === null ? 'null' : typeof v}:${String(v)}`;
        if (seen.has(key)) refuse(name, `grid value ${showValue(v)} is listed twice`);
        seen.add(key);
      }
    }
    if (options.space) {
      const declared = new Set(options.space.map((p) => p.name));
      for (const name of this.names) if (!declared.has(name)) refuse(name, `it is in the grid but not in the search space (${[...declared].join(', ')})`);
      for (const p of options.space) {
        if (!(p.name in this.grid)) refuse(p.name, `it is not in the grid (${this.names.join(', ')})`);
        checkValues(p.name, this.grid[p.name], p.distribution);
      }
      this.declared = Object.fromEntries(options.space.filter((p) => p.when.size === 0).map((p) => [p.name, p.distribution]));
    } else {
      this.declared = null;
    }
    this.size = this.names.reduce((n, name) => n * this.grid[name].length, 1);
    if (options.shuffle && this.size > MAX_SHUFFLED_POINTS) {
      throw new LoomError(`sampler (grid): shuffle holds at most ${MAX_SHUFFLED_POINTS} points, the grid has ${this.size}`);
    }
    this.shuffleSeed = options.shuffle ? (options.seed ?? 0) : null;
  }

  /** The point the k-th trial to take one gets. */
  pointOf(k: number): Record<string, ParamValue> {
    if (this.shuffleSeed === null) return this.point(k);
    if (!this.order) {
      // Fisher-Yates with the seed's stream: the same order in every tuner.
      const order = Uint32Array.from({ length: this.size }, (_, i) => i);
      const rng = new Rng(this.shuffleSeed);
      for (let i = this.size - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
      this.order = order;
    }
    return this.point(this.order[k % this.size]);
  }

  /** Point `index` (mixed radix over the axes, the last one varying fastest). */
  point(index: number): Record<string, ParamValue> {
    let rest = index % this.size; // only a race between tuners asks past the end: go round again
    const values: Record<string, ParamValue> = {};
    for (let i = this.names.length - 1; i >= 0; i--) {
      const axis = this.grid[this.names[i]];
      values[this.names[i]] = axis[rest % axis.length];
      rest = Math.floor(rest / axis.length);
    }
    return values;
  }

  exhausted(study: StudyView): boolean {
    return study.trials().filter(takesPoint).length >= this.size;
  }

  inferRelativeSpace(study: StudyView): SearchSpace {
    if (this.declared) return this.declared;
    const space = Object.entries(intersectionSpace(study.trials(['complete']))).filter(([name]) => name in this.grid);
    for (const [name, distribution] of space) checkValues(name, this.grid[name], distribution);
    return Object.fromEntries(space);
  }

  sampleRelative(study: StudyView, trial: FrozenTrial, space: SearchSpace): Record<string, ParamValue> {
    const point = this.pointOf(gridIndex(study, trial));
    return Object.fromEntries(Object.keys(space).map((name) => [name, point[name]]));
  }

  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): ParamValue {
    if (!(name in this.grid)) refuse(name, `it is not in the grid (${this.names.join(', ')})`);
    const value = this.pointOf(gridIndex(study, trial))[name];
    if (!contains(distribution, value)) refuse(name, `grid value ${showValue(value)} is outside its distribution (${describe(distribution)})`);
    return value;
  }
}

/** A trial that took a grid point of its own: not the retry of a lost trial, nor a PBT replacement. */
const takesPoint = (t: FrozenTrial): boolean => t.attrs.retryOf === undefined && t.attrs.replaces === undefined;

/** The point of `trial`: how many trials before it (or before the trial it retries) took one. */
function gridIndex(study: StudyView, trial: FrozenTrial): number {
  const trials = study.trials();
  let origin = trial;
  for (let hops = 0; typeof origin.attrs.retryOf === 'number' && hops < trials.length; hops++) {
    const original = trials[origin.attrs.retryOf]; // trial numbers are positions in creation order
    if (!original) break;
    origin = original;
  }
  let index = 0;
  for (const t of trials) {
    if (t.number >= origin.number) break;
    if (takesPoint(t)) index++;
  }
  return index;
}

/** A grid from a declared space: see the file comment. */
export function gridFromSpace(space: readonly SpaceParam[], pointsPerAxis = 5): Record<string, ParamValue[]> {
  return Object.fromEntries(space.map((p) => [p.name, gridAxis(p.distribution, pointsPerAxis)]));
}

/** One parameter's values in a grid built from its distribution. */
export function gridAxis(d: Distribution, points: number): ParamValue[] {
  if (d.kind === 'categorical') return [...d.choices];
  const n = cardinality(d);
  if (n === Infinity) {
    const inner = (x: number): number => tidy(d.log ? Math.exp(x) : x, d.low, d.high);
    return unique(spaced(d.log ? Math.log(d.low) : d.low, d.log ? Math.log(d.high) : d.high, points).map(inner), d);
  }
  const step = d.step as number;
  const value = (k: number): number => (d.kind === 'int' ? d.low + k * step : tidy(d.low + k * step, d.low, d.high));
  if (n <= points) return Array.from({ length: n }, (_, k) => value(k));
  // A log-scaled int (step 1): log-spaced, rounded; rounding may merge neighbours near low.
  if (d.log) return unique(spaced(Math.log(d.low), Math.log(d.high), points).map((x) => Math.round(Math.exp(x))), d);
  return Array.from({ length: points }, (_, i) => value(Math.round((i * (n - 1)) / (points - 1))));
}

/** `count` evenly spaced numbers from a to b, both included. */
function spaced(a: number, b: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => a + ((b - a) * i) / (count - 1));
}

/** Rounding noise off (0.1 + 0.2 is 0.30000000000000004), kept within [low, high]. */
function tidy(x: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, Number(x.toPrecision(15))));
}

/** The axis with its ends exactly low and high (exp(log(x)) may be off by an ulp), each value once. */
function unique(values: number[], d: { readonly low: number; readonly high: number }): number[] {
  values[0] = d.low;
  values[values.length - 1] = d.high;
  return [...new Set(values)];
}

function checkValues(name: string, values: readonly ParamValue[], distribution: Distribution): void {
  const outside = values.find((v) => !contains(distribution, v));
  if (outside !== undefined) refuse(name, `grid value ${showValue(outside)} is outside its distribution (${describe(distribution)})`);
}

function describe(d: Distribution): string {
  if (d.kind === 'categorical') return `one of ${showValue(d.choices)}`;
  const scale = d.log ? 'log ' : '';
  const step = d.step !== null && !(d.kind === 'int' && d.step === 1) ? ` step ${d.step}` : '';
  return `${scale}${d.kind} in [${d.low}, ${d.high}]${step}`;
}

function refuse(name: string, why: string): never {
  throw new LoomError(`search space: parameter "${name}": ${why}`);
}
