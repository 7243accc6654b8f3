/** `averageOf` (../aggregator.ts) by the native kernel where it is loaded: the same sums, the same bits. */
import { averageOf } from '../aggregator.js';
import { robustKernels } from './native-path.js';

export function averageChosen(inputs: readonly Float32Array[], chosen: readonly number[], out: Float32Array): void {
  const native = robustKernels();
  if (native !== null && chosen.length > 0) native.rowAverage(chosen.map((i) => inputs[i]!), out);
  else averageOf(inputs, chosen, out);
}
