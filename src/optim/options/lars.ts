/** LARS's options (lars.ts). */
import { z } from 'zod';
import { flag, fraction, nonNegative, positive } from './fields.js';

export const larsOptionsSchema = z.strictObject({
  /** Momentum factor in [0, 1); 0 turns momentum (and its state buffer) off. */
  momentum: fraction.default(0.9),
  /** L2 coefficient beta: in the trust ratio's denominator and added to the gradient. */
  weightDecay: nonNegative.default(0),
  /** eta, the trust coefficient (> 0); the paper uses 0.001. */
  trustCoefficient: positive.default(0.001),
  /** Leave 1-D segments unadapted and undecayed. */
  excludeBiases: flag.default(true),
});

export type LarsOptions = z.input<typeof larsOptionsSchema>;
export type LarsSettings = z.output<typeof larsOptionsSchema>;
