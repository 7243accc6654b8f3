import type { Dataset } from '../data/dataset.js';
import type { EvalSums, Model } from '../nn/model.js';

export interface Evaluation {
  readonly loss: number;
  readonly accuracy: number;
  readonly count: number;
}

/** Evaluates `model` over the first `limit` samples of `data` in batches, summing exactly. */
export function evaluateModel(model: Model, data: Dataset, batchSize: number, limit = data.size): Evaluation {
  const total = Math.min(limit, data.size);
  let lossSum = 0;
  let correct = 0;
  let count = 0;
  for (let start = 0; start < total; start += batchSize) {
    const end = Math.min(total, start + batchSize);
    const indices = new Int32Array(end - start);
    for (let i = 0; i < indices.length; i++) indices[i] = start + i;
    const sums: EvalSums = model.evaluate(data.batch(indices));
    lossSum += sums.lossSum;
    correct += sums.correct;
    count += sums.count;
  }
  return { loss: count > 0 ? lossSum / count : Number.NaN, accuracy: count > 0 ? correct / count : Number.NaN, count };
}
