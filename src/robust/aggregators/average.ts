/**
 * The arithmetic mean: what plain synchronous SGD computes, and what a single Byzantine input can
 * move arbitrarily far (Blanchard et al., "Machine Learning with Adversaries: Byzantine Tolerant
 * Gradient Descent", NeurIPS 2017, Lemma 1). The baseline every robust rule is compared with.
 */
import { defineRule, type Aggregator } from '../aggregator.js';
import { averageChosen } from './chosen-average.js';

const ANY: { text: string; holds: () => boolean } = { text: 'n >= 1', holds: () => true };

export function average(f = 0): Aggregator {
  return defineRule('average', f, ANY, (inputs, out) => averageChosen(inputs, Array.from(inputs.keys()), out));
}
