/** A closed-form benchmark objective: its space, its known optimum, and its value at a point. */
import type { Distribution, ParamValue } from '../space/distribution.js';

export interface BenchmarkFunction {
  readonly name: string;
  readonly space: Readonly<Record<string, Distribution>>;
  /** The global minimum. */
  readonly optimum: number;
  /** `budget` (multi-fidelity functions only) sets how exactly the value is estimated; `seed` its noise. */
  evaluate(params: Readonly<Record<string, ParamValue>>, budget?: number, seed?: number): number;
}
