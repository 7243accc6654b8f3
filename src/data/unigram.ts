/**
 * The unigram baseline of a language model: the cross-entropy (nats per token) of the validation
 * tokens under the training split's token frequencies, with add-one smoothing so unseen tokens
 * have finite cost. A char-LM that learned anything beyond letter frequencies beats it.
 */
export function unigramCrossEntropy(train: Int32Array, validation: Int32Array, vocabSize: number): number {
  const counts = new Float64Array(vocabSize).fill(1);
  for (let i = 0; i < train.length; i++) counts[train[i]]++;
  const total = train.length + vocabSize;
  let nats = 0;
  for (let i = 0; i < validation.length; i++) nats -= Math.log(counts[validation[i]] / total);
  return validation.length > 0 ? nats / validation.length : Number.NaN;
}
