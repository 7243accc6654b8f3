/**
 * How the GP sampler sees a search space: one coordinate per parameter, in a fixed order.
 * - float and int parameters: `toUnit`, in [0, 1] over the internal (log where log) range;
 *   stepped and integer ones only at their values' bin centres, so the model is fitted and the
 *   acquisition scored exactly where a trial will run;
 * - categorical parameters: the index of the choice, which the kernel compares only for
 *   equality (see matern52.ts), so the order of the choices means nothing.
 */
import { cardinality, fromUnit, toUnit, type Distribution, type ParamValue } from '../../space/distribution.js';
import type { Rng } from '../../../util/rng.js';
import type { SearchSpace } from '../sampler.js';

export class SpaceEncoding {
  readonly names: readonly string[];
  readonly categorical: readonly boolean[];
  private readonly distributions: readonly Distribution[];

  constructor(space: SearchSpace) {
    this.names = Object.keys(space).sort();
    this.distributions = this.names.map((n) => space[n]);
    this.categorical = this.distributions.map((d) => d.kind === 'categorical');
  }

  get dim(): number {
    return this.names.length;
  }

  /** Whether some coordinate is continuous (a float without a step). */
  get hasContinuous(): boolean {
    return this.distributions.some((d) => cardinality(d) === Infinity);
  }

  encode(params: Readonly<Record<string, ParamValue>>): Float64Array {
    return Float64Array.from(this.distributions, (d, j) => {
      const value = params[this.names[j]];
      return d.kind === 'categorical' ? d.choices.indexOf(value) : toUnit(d, value);
    });
  }

  decode(x: ArrayLike<number>): Record<string, ParamValue> {
    const params: Record<string, ParamValue> = {};
    this.distributions.forEach((d, j) => {
      params[this.names[j]] = d.kind === 'categorical' ? d.choices[this.snap(j, x[j])] : fromUnit(d, x[j]);
    });
    return params;
  }

  /** The nearest coordinate value a trial can take: clipped to [0, 1], on a bin centre, a choice index. */
  snap(j: number, v: number): number {
    const d = this.distributions[j];
    if (d.kind === 'categorical') return Math.min(d.choices.length - 1, Math.max(0, Math.round(v)));
    const u = Math.min(1, Math.max(0, v));
    return cardinality(d) === Infinity ? u : toUnit(d, fromUnit(d, u));
  }

  /** A uniform draw (uniform over the internal range, as random search draws). */
  random(rng: Rng): Float64Array {
    return Float64Array.from(this.distributions, (d, j) => (d.kind === 'categorical' ? rng.int(d.choices.length) : this.snap(j, rng.next())));
  }

  /** x with Gaussian noise of std `scale` on numeric coordinates, a categorical redrawn with probability `scale`. */
  perturb(x: ArrayLike<number>, scale: number, rng: Rng): Float64Array {
    return Float64Array.from(this.distributions, (d, j) => {
      if (d.kind === 'categorical') return rng.next() < scale ? rng.int(d.choices.length) : x[j];
      return this.snap(j, x[j] + scale * rng.normal());
    });
  }

  /**
   * Where a coordinate search may move coordinate j from v: ± `step` for a continuous
   * coordinate, the neighbouring values for a stepped one, every other choice for a categorical.
   */
  moves(j: number, v: number, step: number): number[] {
    const d = this.distributions[j];
    if (d.kind === 'categorical') return Array.from({ length: d.choices.length }, (_, c) => c).filter((c) => c !== v);
    if (d.step === null) return [Math.max(0, v - step), Math.min(1, v + step)].filter((u) => u !== v);
    const value = fromUnit(d, v) as number;
    return [value - d.step, value + d.step].filter((w) => w >= d.low && w <= d.high).map((w) => this.snap(j, toUnit(d, w)));
  }
}
