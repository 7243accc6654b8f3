/**
 * Autoregressive sampling from a sequence model (the char-LM): feed the last `context` tokens,
 * take the logits at the last filled position, sample the next token, repeat. With causal
 * attention, positions after the filled prefix do not influence it, so a short prompt is placed
 * at the start of the window and the rest is padding.
 */
import { LoomError, showValue } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import type { Model } from './model.js';

export interface GenerateOptions {
  /** Number of new tokens. */
  readonly length: number;
  /** Softmax temperature; 0 picks the most likely token. */
  readonly temperature: number;
  /** Sample only among the k most likely tokens (0: all). */
  readonly topK: number;
  readonly seed: number;
}

export function generateTokens(model: Model, prompt: Int32Array, options: GenerateOptions): Int32Array {
  const context = model.inputShape[0];
  const vocab = model.numClasses;
  if (model.inputShape.length !== 1) throw new LoomError(`model ${model.kind} is not a sequence model; it cannot generate text`);
  if (prompt.length === 0) throw new LoomError('the prompt is empty: give at least one character');
  if (!(options.temperature >= 0)) throw new LoomError(`temperature must be >= 0, got ${showValue(options.temperature)}`);
  const rng = new Rng(options.seed);
  const tokens = Array.from(prompt);
  const window = new Int32Array(context);
  const probs = new Float64Array(vocab);
  for (let n = 0; n < options.length; n++) {
    const start = Math.max(0, tokens.length - context);
    const filled = tokens.length - start;
    window.fill(0);
    for (let i = 0; i < filled; i++) window[i] = tokens[start + i];
    const logits = model.predict(window, 1);
    const last = logits.subarray((filled - 1) * vocab, filled * vocab);
    tokens.push(pickToken(last, probs, options, rng));
  }
  return Int32Array.from(tokens.slice(prompt.length));
}

function pickToken(logits: Float32Array, probs: Float64Array, options: GenerateOptions, rng: Rng): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  if (options.temperature === 0) return best;
  let cutoff = -Infinity;
  if (options.topK > 0 && options.topK < logits.length) {
    cutoff = Array.from(logits).sort((a, b) => b - a)[options.topK - 1];
  }
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    probs[i] = logits[i] >= cutoff ? Math.exp((logits[i] - logits[best]) / options.temperature) : 0;
    total += probs[i];
  }
  let u = rng.next() * total;
  for (let i = 0; i < probs.length; i++) {
    u -= probs[i];
    if (u <= 0 && probs[i] > 0) return i;
  }
  return best;
}
