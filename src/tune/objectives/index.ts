import { LoomError, showValue } from '../../util/errors.js';
import { branin } from './branin.js';
import { countingOnes } from './counting-ones.js';
import { hartmann6 } from './hartmann6.js';
import type { BenchmarkFunction } from './objective.js';
import { rosenbrock } from './rosenbrock.js';

export type { BenchmarkFunction } from './objective.js';
export { branin, braninValue } from './branin.js';
export { hartmann6, hartmann6Value } from './hartmann6.js';
export { rosenbrock, rosenbrockValue } from './rosenbrock.js';
export { countingOnes } from './counting-ones.js';

const FUNCTIONS: Record<string, (dimensions?: number) => BenchmarkFunction> = {
  branin: () => branin,
  hartmann6: () => hartmann6,
  rosenbrock: () => rosenbrock,
  'counting-ones': (d) => countingOnes(d),
};

export function benchmarkFunction(name: string, dimensions?: number): BenchmarkFunction {
  const make = FUNCTIONS[name];
  if (!make) throw new LoomError(`objective.name: unknown function ${showValue(name)} (valid: ${Object.keys(FUNCTIONS).join(', ')})`);
  return make(dimensions);
}
