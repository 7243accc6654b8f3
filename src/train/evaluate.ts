import type { Dataset } from '../data/dataset.js';
import { RecycledBatches } from '../data/recycled-batches.js';
import type { EvalSums, Model } from '../nn/model.js';

export interface Evaluation {
  readonly loss: number;
  readonly accuracy: number;
  readonly count: number;
}

/** Sums of `model` over samples [start, end) of `data`, in batches of `batchSize`. */
export function evaluationSums(model: Model, data: Dataset, batchSize: number, start: number, end: number): EvalSums {
  let lossSum = 0;
  let correct = 0;
  let count = 0;
  const batches = new RecycledBatches(data);
  for (let from = start; from < end; from += batchSize) {
    const to = Math.min(end, from + batchSize);
    const indices = new Int32Array(to - from);
    for (let i = 0; i < indices.length; i++) indices[i] = from + i;
    const sums = model.evaluate(batches.next(indices));
    lossSum += sums.lossSum;
    correct += sums.correct;
    count += sums.count;
  }
  return { lossSum, correct, count };
}

export function evaluationOf(sums: EvalSums): Evaluation {
  const { lossSum, correct, count } = sums;
  return { loss: count > 0 ? lossSum / count : Number.NaN, accuracy: count > 0 ? correct / count : Number.NaN, count };
}

/** Evaluates `model` over the first `limit` samples of `data` in batches, summing exactly. */
export function evaluateModel(model: Model, data: Dataset, batchSize: number, limit = data.size): Evaluation {
  return evaluationOf(evaluationSums(model, data, batchSize, 0, Math.min(limit, data.size)));
}
